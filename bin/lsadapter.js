#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const code = await main(process.argv);
// Exit once the output is flushed: a module's stray timer must not keep a finished command alive.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
