export { formatText } from './text';
export { formatJson } from './json';
export { formatSarif } from './sarif';
