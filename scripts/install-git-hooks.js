#!/usr/bin/env node
// Points git at .githooks so the pre-commit hook (format + lint staged files) runs for everyone.
const { execSync } = require('node:child_process');
try {
  execSync('git rev-parse --git-dir', { stdio: 'ignore' });
  execSync('git config core.hooksPath .githooks', { stdio: 'ignore' });
} catch {
  // Not a git checkout (tarball install): nothing to wire.
}
