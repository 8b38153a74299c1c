// @peculiar/x509, ready to use: its dependency injection needs the reflect polyfill loaded first,
// and it signs and verifies through Node's WebCrypto. Everything in Dezi imports x509 from here.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as typeof globalThis.crypto);

export { x509 };
