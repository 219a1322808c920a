// The kernel depends on @ecomify/contracts (tenancy builds its projection from the stores contracts),
// so contracts must never depend back on the kernel: a one-way dependency, no package cycle.
import fs from 'node:fs';
import path from 'node:path';
import { defineEvent as contractsDefineEvent } from '@ecomify/contracts/define';
import { defineEvent } from '../../src/events';

const contracts = path.join(__dirname, '..', '..', '..', 'contracts');

describe('@ecomify/contracts → @ecomify/kernel', () => {
  it('contracts declare and import nothing of the kernel', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(contracts, 'package.json'), 'utf8'));
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })).not.toContain('@ecomify/kernel');
    const sources = fs.readdirSync(path.join(contracts, 'src')).filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(1);
    const importsKernel = sources.filter((file) =>
      /(from\s+|import\s*\(\s*|require\s*\(\s*)['"]@ecomify\/kernel/.test(fs.readFileSync(path.join(contracts, 'src', file), 'utf8')),
    );
    expect(importsKernel).toEqual([]);
  });

  it('the kernel declares contracts and re-exports the same defineEvent', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.dependencies['@ecomify/contracts']).toBeDefined();
    expect(defineEvent).toBe(contractsDefineEvent);
    expect(() => defineEvent({ subject: 'ecomify.Bad.thing', version: 1, description: '', schema: undefined as never })).toThrow(
      /must look like/,
    );
  });
});
