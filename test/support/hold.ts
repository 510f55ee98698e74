/**
 * Orders a race deterministically at a store port: the first call of `method` that `when` picks is held, before
 * it runs or (with `after`) after it returned a result `after` picks, until the test releases it. `arrived`
 * resolves when the call is held. Only that one call waits; every other call goes through.
 */
export interface Hold<S> {
  readonly wrap: (inner: S) => S;
  readonly arrived: Promise<void>;
  readonly release: () => void;
}

export const holdAt = <S extends object>(
  method: keyof S & string,
  options: { when?: (args: unknown[]) => boolean; after?: (result: unknown) => boolean; armed?: () => boolean } = {},
): Hold<S> => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  let held = false;
  const take = async () => {
    held = true;
    reached();
    await gate;
  };
  const wrap = (inner: S): S =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop !== method) return value.bind(target);
        return async (...args: unknown[]) => {
          const picked = !held && (options.armed?.() ?? true) && (options.when?.(args) ?? true);
          if (picked && !options.after) await take();
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (picked && options.after && !held && options.after(result)) await take();
          return result;
        };
      },
    });
  return { wrap, arrived, release };
};
