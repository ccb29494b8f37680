file="$HOME/circus/hello.txt"
if [ ! -f "$file" ]; then
  echo "There is no ~/circus/hello.txt yet: run the first block on this page"
  exit 1
fi
if [ "$(cat "$file")" != "Hello, Circus" ]; then
  echo "~/circus/hello.txt should contain exactly: Hello, Circus"
  exit 1
fi
