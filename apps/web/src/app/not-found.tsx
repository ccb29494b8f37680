import Link from "next/link";
import { NotFoundContent } from "./_components/not-found-content";

export default function NotFound() {
  return <NotFoundContent Link={Link} />;
}
