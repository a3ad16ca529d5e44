// The line protocol between a Python test and an SDK driven in this Node process.
// stdout carries one JSON object per line: {"event": name, ...} when the SDK emits an event,
// {"id": n, "result": value} or {"id": n, "error": message} in answer to a call. stdin carries
// calls, {"id": n, "call": name, "args": [...]}; when stdin closes the driver stops the SDK.
import { createInterface } from 'node:readline';

export function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function describe(error) {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') return JSON.stringify(error);
  return String(error);
}

export function config() {
  return JSON.parse(process.argv[2]);
}

export async function readAll() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function serve(calls, stop) {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', async (line) => {
    const { id, call, args = [] } = JSON.parse(line);
    try {
      if (!(call in calls)) throw new Error(`no call named ${call}`);
      send({ id, result: (await calls[call](...args)) ?? null });
    } catch (error) {
      send({ id, error: describe(error) });
    }
  });
  lines.on('close', stop);
}
