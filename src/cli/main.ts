#!/usr/bin/env node
/**
 * Entry of the `clusterkit` command (package.json "bin"). See ./run.ts for the commands and
 * exit codes. The exit code is set, not forced, so stdout is flushed before the process ends.
 */
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2));
