// Every project a test file created with createProject is removed when the file is done, also where the file does
// not remove it itself (a failed assertion, a test that keeps its project for the next one).
import { afterAll } from 'vitest';
import { removeCreatedProjects } from '../helpers/governed-run';

afterAll(removeCreatedProjects);
