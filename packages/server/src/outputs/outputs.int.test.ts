import { outputsSuite } from './outputsSuite.js';

outputsSuite('PGlite');
