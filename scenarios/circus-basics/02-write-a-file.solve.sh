mkdir -p "$HOME/circus" && echo "Hello, Circus" > "$HOME/circus/hello.txt"
