// The committed supergraph is exactly what rover.yaml composes to from the committed subgraph SDLs
// (each subgraph's own test keeps its schema.graphql in step with its code). A drift means someone
// changed a subgraph without running `ecomify supergraph compose`.
import fs from 'node:fs';
import path from 'node:path';
import { composeFromConfig } from '../src/compose';

const ROOT = path.join(__dirname, '..', '..');

it('composes rover.yaml without errors into the committed supergraph/supergraph.graphql', () => {
  const result = composeFromConfig(path.join(ROOT, 'rover.yaml'));
  expect(result.errors).toEqual([]);
  expect(result.ok).toBe(true);
  const committed = fs.readFileSync(path.join(ROOT, 'supergraph', 'supergraph.graphql'), 'utf8');
  expect(committed.trimEnd()).toBe(result.supergraphSdl!.trimEnd());
});

it('lists every subgraph folder in rover.yaml', () => {
  const listed = composeFromConfig(path.join(ROOT, 'rover.yaml'))
    .subgraphs.map((s) => s.name)
    .sort();
  const folders = fs
    .readdirSync(path.join(ROOT, 'subgraphs'))
    .filter((d) => fs.existsSync(path.join(ROOT, 'subgraphs', d, 'package.json')));
  expect(listed).toEqual(folders.sort());
});
