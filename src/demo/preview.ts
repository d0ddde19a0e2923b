// A small polars preview of a Parquet file the demo wrote: reading it back is the proof that the file
// is a real table. nodejs-polars is optional, so without it the preview says what to install.
import { whyNotLoaded } from "../util/optional-package.js";

export async function previewParquet(path: string, columns: readonly string[], rows = 5): Promise<string> {
  let pl: typeof import("nodejs-polars").default;
  try {
    pl = (await import("nodejs-polars")).default;
  } catch (error) {
    return `(no preview: nodejs-polars ${whyNotLoaded(error)}; install it with: npm install nodejs-polars)`;
  }
  const frame = pl.readParquet(path);
  const present = columns.filter((c) => frame.columns.includes(c));
  return (present.length > 0 ? frame.select(...present) : frame).head(rows).toString();
}
