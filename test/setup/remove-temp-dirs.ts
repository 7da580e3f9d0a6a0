import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/temp-dirs';

afterAll(removeTempDirs);
