// The tests' own CA and server certificates, minted with the openssl CLI at test time (so they are
// independent of the proxy's own X.509 code and no private key is ever committed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  caPem: string;
  caPath: string;
  /** Server key and cert (chain: leaf only) valid for the given names and 127.0.0.1. */
  key: string;
  cert: string;
}

export function makeTestPki(names: readonly string[]): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridle-test-pki-'));
  const p = (f: string): string => path.join(dir, f);
  const ossl = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p('ca.key')]);
  ossl([
    'req', '-x509', '-new', '-key', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=bridle test upstream CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p('srv.key')]);
  ossl(['req', '-new', '-key', p('srv.key'), '-out', p('srv.csr'), '-subj', '/CN=bridle test upstream']);
  const san = [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  fs.writeFileSync(p('ext.cnf'), `subjectAltName=${san}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
  ossl(['x509', '-req', '-in', p('srv.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-out', p('srv.pem'), '-extfile', p('ext.cnf')]);
  fs.rmSync(p('ca.key')); // nothing else will be signed
  return { dir, caPem: fs.readFileSync(p('ca.pem'), 'utf8'), caPath: p('ca.pem'), key: fs.readFileSync(p('srv.key'), 'utf8'), cert: fs.readFileSync(p('srv.pem'), 'utf8') };
}
