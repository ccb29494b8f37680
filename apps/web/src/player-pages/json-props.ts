// Pages Router props travel as JSON, which refuses `undefined`: optional fields the views leave undefined
// are dropped, as JSON.stringify drops them.

export function jsonProps<T>(props: T): T {
  return JSON.parse(JSON.stringify(props)) as T;
}
