// `next/head` in the player's own client entry: the page's <head> was rendered by the server and does not
// change while the player runs, so Head renders nothing here (as Next's Head renders nothing in the tree).
export default function Head(_props: { children?: unknown }): null {
  return null;
}
