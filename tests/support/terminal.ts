// A fake terminal for progress output: a Writable that says whether it is a TTY, and keeps what was written.
import { Writable } from "node:stream";

export function fakeTerminal(tty: boolean, columns = 200) {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString("utf8");
        done();
      },
    }),
    { isTTY: tty, columns, rows: 40 },
  );
  return { stream, written: () => text };
}
