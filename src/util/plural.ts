// Counts in messages: "1 retry", "2 retries", "0 pages".
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
