// `next/dynamic` in the player's own client entry: the module loads when the component first renders. A
// component the server rendered suspends the hydration until its module is there (as Next's runtime
// preloads it before hydrating), so the server's HTML stays and matches; nothing is shown meanwhile.
import { type ComponentType, use } from "react";

type Loader<P> = () => Promise<ComponentType<P> | { default: ComponentType<P> }>;

export default function dynamic<P extends object>(load: Loader<P>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const start = () => {
    loading ??= load().then((module) => {
      loaded = "default" in module ? module.default : module;
      return loaded;
    });
    return loading;
  };
  // biome-ignore lint/correctness/noComponentHookFactories: one component per lazily loaded module, made once at module level (as next/dynamic's are).
  function DynamicComponent(props: P) {
    const Component = loaded ?? use(start());
    return <Component {...props} />;
  }
  return DynamicComponent;
}
