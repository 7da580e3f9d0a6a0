// Decides whether a file is text worth scanning for secrets, from its name and its first bytes.

const BINARY_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'tif', 'tiff', 'psd', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst',
  '7z', 'rar', 'jar', 'war', 'class', 'exe', 'dll', 'so', 'dylib', 'o', 'a', 'node', 'wasm', 'bin', 'dat', 'db',
  'sqlite', 'sqlite3', 'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp3', 'mp4', 'wav', 'ogg', 'mov', 'avi', 'webm', 'flac',
  'pyc', 'parquet', 'avro', 'orc', 'npy', 'npz', 'pkl', 'pt', 'onnx', 'h5', 'safetensors', 'p12', 'pfx', 'der', 'jks',
]);

/** Bytes that do not occur in text: everything below 0x20 except tab, newline, form feed, carriage return, escape. */
function isControlByte(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b;
}

/** True when the file at `path` whose content starts with `firstBytes` is text. */
export function isTextFile(path: string, firstBytes: Buffer): boolean {
  const dot = path.lastIndexOf('.');
  const extension = dot === -1 ? '' : path.slice(dot + 1).toLowerCase();
  if (BINARY_EXTENSIONS.has(extension)) return false;
  const sample = firstBytes.subarray(0, 8000);
  if (sample.includes(0)) return false;
  let control = 0;
  // An index loop: the iterator protocol over a Buffer is several times slower, and this runs for every file.
  for (let i = 0; i < sample.length; i++) if (isControlByte(sample[i]!)) control++;
  return control <= sample.length * 0.1;
}
