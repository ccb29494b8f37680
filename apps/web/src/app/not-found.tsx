import { NotFoundContent } from "./_components/not-found-content";

export default function NotFound() {
  return <NotFoundContent />;
}
