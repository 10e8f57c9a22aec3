/**
 * moto_server (the Python AWS emulator on this machine) on 127.0.0.1 and a port it picks itself, for the
 * browser test's Cognito. It runs under a watchdog that exits as soon as this process's end of its stdin
 * closes, so it stops by itself even if the test process is killed.
 */
import { ChildProcess, spawn } from 'child_process';

const WATCHDOG = [
  'import os, sys, threading',
  'from moto.server import main',
  'threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()',
  'main(["-H", "127.0.0.1", "-p", "0"])',
].join('\n');

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Calls an AWS JSON-protocol action (e.g. `AWSCognitoIdentityProviderService.CreateUserPool`). */
  call(target: string, body: unknown): Promise<any>;
  stop(): Promise<void>;
}

export async function startMoto(python = process.env.PYTHON ?? 'python3'): Promise<Moto> {
  const child: ChildProcess = spawn(python, ['-c', WATCHDOG], { stdio: ['pipe', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Running on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code} (is moto installed for ${python}? pip install 'moto[server]'):\n${output}`));
    });
  });
  return {
    url,
    async call(target, body) {
      const res = await fetch(`${url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
        body: JSON.stringify(body),
      });
      const data = await res.json();
      if (!res.ok) throw new Error(`${target}: HTTP ${res.status} ${JSON.stringify(data)}`);
      return data;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end(); // the watchdog exits
      await exited;
    },
  };
}
