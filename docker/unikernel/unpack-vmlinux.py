"""Unpacks a bzImage (Debian's kernels are xz-compressed) into the plain ELF vmlinux inside it.

QEMU boots that ELF directly through its PVH entry point, which skips the kernel's own
decompression: under software emulation that saves several seconds per boot.
Usage: python3 unpack-vmlinux.py BZIMAGE VMLINUX
"""

import lzma
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"

source, target = sys.argv[1], sys.argv[2]
with open(source, "rb") as file:
    image = file.read()
offset = image.find(XZ_MAGIC)
if offset < 0:
    sys.exit(f"{source}: no xz stream found (is it an xz-compressed bzImage?)")
vmlinux = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(image[offset:])
if not vmlinux.startswith(b"\x7fELF"):
    sys.exit(f"{source}: the xz stream does not hold an ELF kernel")
with open(target, "wb") as file:
    file.write(vmlinux)
