// Reads a request body up to a size limit, and stops reading as soon as the limit is passed (or the
// Content-Length announces it will be), so an oversized body is never buffered.
import type { IncomingMessage } from "node:http";

/** The body, or "too-large". Rejects when the client goes away mid-body. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | "too-large"> {
  const announced = Number(req.headers["content-length"]);
  if (Number.isFinite(announced) && announced > maxBytes) return Promise.resolve("too-large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        resolve("too-large");
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("the client closed the connection before sending the whole body"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
