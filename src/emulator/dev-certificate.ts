// A self-signed TLS certificate for the local Defender XDR emulator. @azure/identity insists on
// an https authority host, and Node trusts an extra CA only through NODE_EXTRA_CA_CERTS read at
// process start, so the certificate lives in a file that the start and test commands point at.
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface DevCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** Reads the certificate in `dir`, or makes a new one when missing or expiring within a day. */
export async function ensureDevCertificate(dir: string): Promise<DevCertificate> {
  const certPath = path.resolve(dir, 'emulator-cert.pem');
  const keyPath = path.resolve(dir, 'emulator-key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const validTo = new Date(new X509Certificate(cert).validTo).getTime();
    if (validTo - Date.now() > DAY) return { certPath, keyPath, cert, key };
  } catch {
    // missing or unreadable: make a new one below
  }
  const now = new Date();
  // A unique subject per certificate: OpenSSL finds an issuer by subject name, so two of these
  // certificates with the same subject in one trust bundle would hide each other.
  const subject = [
    { name: 'commonName', value: 'localhost' },
    { name: 'organizationName', value: `Defender XDR emulator ${randomUUID()}` },
  ];
  const pems = await selfsigned.generate(subject, {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY),
    notAfterDate: new Date(now.getTime() + 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  await mkdir(path.dirname(certPath), { recursive: true });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await writeFile(certPath, pems.cert);
  return { certPath, keyPath, cert: pems.cert, key: pems.private };
}

/**
 * Writes a CA bundle holding the certificates already trusted through NODE_EXTRA_CA_CERTS (if
 * any) plus the emulator's, and returns its path: the value for a child's NODE_EXTRA_CA_CERTS.
 */
export async function writeTrustBundle(
  cert: DevCertificate,
  existingExtraCaPath: string | undefined,
): Promise<string> {
  let existing = '';
  if (existingExtraCaPath && path.resolve(existingExtraCaPath) !== bundlePath(cert)) {
    existing = await readFile(existingExtraCaPath, 'utf8').catch(() => '');
  }
  const target = bundlePath(cert);
  await writeFile(target, `${existing.trimEnd()}\n${cert.cert}`.trimStart());
  return target;
}

function bundlePath(cert: DevCertificate): string {
  return path.join(path.dirname(cert.certPath), 'trust-bundle.pem');
}
