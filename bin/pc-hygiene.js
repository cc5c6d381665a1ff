#!/usr/bin/env node
// The operator CLI is TypeScript run through tsx, so the CLI and the Lambdas share one source.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
