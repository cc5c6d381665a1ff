/**
 * `ownerExportDigest`: one fingerprint per set of owners, whatever the
 * file's format or row order (docs/data-model.md, "Owner directory").
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalOwnerExport, ownerExportDigest } from '../../lambdas/hygiene/owner-export-digest';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';

const ann: ImportedOwner = { userId: 'ann', email: 'ann@example.com', name: 'Ann', status: 'active' };
const bob: ImportedOwner = { userId: 'bob', status: 'departed' };
const zed: ImportedOwner = { userId: 'Zed', email: 'z@example.com', status: 'active' };

describe('canonicalOwnerExport', () => {
  it('is the owners sorted by userId (code units), each [userId, email, name, status], absent as null', () => {
    expect(canonicalOwnerExport([bob, ann, zed])).toBe(
      '[["Zed","z@example.com",null,"active"],["ann","ann@example.com","Ann","active"],["bob",null,null,"departed"]]',
    );
    expect(canonicalOwnerExport([])).toBe('[]');
  });

  it('escapes as JSON, so a field cannot forge another row', () => {
    const tricky: ImportedOwner = { userId: 'a', name: 'x","b', status: 'active' };
    expect(canonicalOwnerExport([tricky])).toBe('[["a",null,"x\\",\\"b","active"]]');
  });
});

describe('ownerExportDigest', () => {
  it('is the SHA-256 hex of the canonical UTF-8 text', () => {
    const owners = [ann, { ...bob, name: 'Bø' }];
    expect(ownerExportDigest(owners)).toBe(
      createHash('sha256')
        .update(Buffer.from(canonicalOwnerExport(owners), 'utf8'))
        .digest('hex'),
    );
    expect(ownerExportDigest(owners)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of the rows, and changes with any stated field', () => {
    const digest = ownerExportDigest([ann, bob, zed]);
    expect(ownerExportDigest([zed, bob, ann])).toBe(digest);
    expect(ownerExportDigest([{ ...ann, email: 'Ann@example.com' }, bob, zed])).not.toBe(digest);
    expect(ownerExportDigest([{ ...ann, name: undefined }, bob, zed])).not.toBe(digest);
    expect(ownerExportDigest([ann, { ...bob, status: 'active' }, zed])).not.toBe(digest);
    expect(ownerExportDigest([ann, bob])).not.toBe(digest);
    // An absent email and an empty-named owner are not confused with each other's fields.
    expect(ownerExportDigest([{ userId: 'c', name: 'x', status: 'active' }])).not.toBe(
      ownerExportDigest([{ userId: 'c', email: 'x', status: 'active' }]),
    );
  });
});
