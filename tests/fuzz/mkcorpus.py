#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora of the host fuzzers into tests/fuzz/corpus/<name>/.

Each seed is a small, deliberate input: a well-formed one that takes the
parser down its main path, and odd ones at the edges of what it accepts.
The fuzzers mutate from these, so a seed that parses cleanly is worth more
than many random ones. The files are committed; rerun this script (from
any directory) only to change the seeds. The layouts are those of the
parsers' fuzz harnesses, described at the top of each fuzz_<name>.c.
"""
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(parser, name, data):
    d = os.path.join(ROOT, parser)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


# --- ELF ------------------------------------------------------------------------------
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_GNU_STACK = 1, 2, 3, 4, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4


def elf(phdrs, entry=0x400100, size=0x300, phnum=None, phoff=64, etype=2):
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", etype, 62, 1, entry, phoff, 0, 0, 64, 56,
                             len(phdrs) if phnum is None else phnum, 64, 0, 0)
    img = bytearray((i * 7 + 3) & 0xFF for i in range(size))
    img[0:64] = eh
    for i, (ptype, flags, off, vaddr, filesz, memsz) in enumerate(phdrs):
        ph = struct.pack("<IIQQQQQQ", ptype, flags, off, vaddr, vaddr, filesz, memsz,
                         0x1000 if ptype == PT_LOAD else 8)
        at = phoff + 56 * i
        if at + 56 <= size:
            img[at:at + 56] = ph
    return img


def elf_seeds():
    text = (PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x200, 0x200)
    data = (PT_LOAD, PF_R | PF_W, 0x200, 0x402200, 0x80, 0x2F80)
    stack = (PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0)
    note = (PT_NOTE, PF_R, 0x1C0, 0x4001C0, 0x20, 0x20)
    write("elf", "static-text-data-bss", elf([text, data, stack, note]))
    write("elf", "text-only", elf([text], size=0x200))
    write("elf", "rodata-between", elf([text, (PT_LOAD, PF_R, 0x200, 0x401200, 0x40, 0x40),
                                        (PT_LOAD, PF_R | PF_W, 0x240, 0x402240, 0x40, 0x1000)]))
    many = [text] + [(PT_LOAD, PF_R, 0x200, 0x401200 + 0x1000 * i, 0x10, 0x10)
                     for i in range(15)]
    write("elf", "sixteen-segments", elf(many, size=0x400))
    write("elf", "seventeen-segments",
          elf(many + [(PT_LOAD, PF_R, 0x200, 0x500200, 0x10, 0x10)], size=0x400))
    write("elf", "writable-and-executable", elf([(PT_LOAD, PF_R | PF_W | PF_X, 0, 0x400000,
                                                   0x200, 0x200)]))
    write("elf", "share-a-page", elf([text, (PT_LOAD, PF_R | PF_W, 0x200, 0x400200, 0x80,
                                             0x100)]))
    write("elf", "unsorted", elf([data, text]))
    write("elf", "interp", elf([text, (PT_INTERP, PF_R, 0x1C0, 0x4001C0, 0x10, 0x10)]))
    write("elf", "entry-in-bss", elf([text, data], entry=0x402300))
    write("elf", "top-of-user-space", elf([(PT_LOAD, PF_R | PF_X, 0, 0x7FFFFFEEF000, 0x200,
                                            0x1000)], entry=0x7FFFFFEEF100))
    write("elf", "table-past-end", elf([text], phnum=200))
    write("elf", "header-only", elf([], size=64, phnum=0))
    write("elf", "shared-object", elf([text], etype=3))


# --- Multiboot2 -----------------------------------------------------------------------
def tag(ttype, body):
    t = struct.pack("<II", ttype, 8 + len(body)) + body
    return t + bytes(-len(t) % 8)


def mbi(tags, end=True):
    body = b"".join(tags) + (tag(0, b"") if end else b"")
    return struct.pack("<II", 8 + len(body), 0) + body


def mmap_tag(entries, esize=24, version=0):
    body = struct.pack("<II", esize, version)
    for base, length, mtype in entries:
        e = struct.pack("<QQII", base, length, mtype, 0)
        body += e + bytes(esize - len(e))
    return tag(6, body)


def fb_rgb(addr=0xFD000000, pitch=4096, w=1024, h=768, bpp=32, colours=(16, 8, 8, 8, 0, 8)):
    return tag(8, struct.pack("<QIIIBBH", addr, pitch, w, h, bpp, 1, 0) + bytes(colours))


def rsdp_v2():
    r = bytearray(b"RSD PTR " + b"\0" + b"BOCHS " + bytes([2]) + struct.pack("<I", 0x7FE0000)
                  + struct.pack("<I", 36) + struct.pack("<Q", 0x7FE0100) + bytes(4))
    r[8] = -sum(r[:20]) & 0xFF
    r[32] = -sum(r) & 0xFF
    return bytes(r)


def mb2_seeds():
    qemu_mmap = [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2),
                 (0x100000, 0x7EE0000, 1), (0x7FE0000, 0x20000, 2), (0xFFFC0000, 0x40000, 2)]
    grub = [tag(1, b"log=debug test\0"), tag(2, b"GRUB 2.06\0"),
            tag(3, struct.pack("<II", 0x200000, 0x210000) + b"init\0"),
            tag(3, struct.pack("<II", 0x210000, 0x218000) + b"test-ipc\0"),
            tag(4, struct.pack("<II", 639, 130048)), mmap_tag(qemu_mmap), fb_rgb(),
            tag(15, rsdp_v2())]
    write("multiboot2", "grub-qemu", mbi(grub))
    write("multiboot2", "ega-text-acpi1", mbi([
        tag(1, b"\0"), tag(8, struct.pack("<QIIIBBH", 0xB8000, 160, 80, 25, 16, 2, 0)),
        tag(14, rsdp_v2()[:20]), mmap_tag(qemu_mmap[:3], esize=32, version=1)]))
    write("multiboot2", "no-end-tag", mbi(grub[:3], end=False))
    write("multiboot2", "repeated-tags", mbi([tag(1, b"a\0"), tag(1, b"b\0"), fb_rgb(),
                                              fb_rgb(bpp=24, pitch=3072), tag(14, rsdp_v2()[:20]),
                                              tag(14, rsdp_v2()[:20]), tag(15, rsdp_v2()),
                                              tag(15, rsdp_v2())]))
    write("multiboot2", "unterminated-strings", mbi([tag(1, b"x" * 300), tag(2, b"loader"),
                                                     tag(3, struct.pack("<II", 5, 4))]))
    bad = bytearray(mbi(grub))
    struct.pack_into("<I", bad, 8 + 4, 0xFFFF)  # the first tag runs past the block
    write("multiboot2", "tag-too-long", bad)
    write("multiboot2", "wrapping-region", mbi([mmap_tag([(0xFFFFFFFFFFFFF000, 0x2000, 1),
                                                          (0x1000, 0, 1)])]))
    write("multiboot2", "fb-colours-outside-pixel", mbi([fb_rgb(bpp=16, colours=(12, 5, 5, 6,
                                                                                 0, 5))]))
    write("multiboot2", "modules-beyond-capacity",
          mbi([tag(3, struct.pack("<II", i * 0x1000, i * 0x1000 + 0x800) + b"m\0")
               for i in range(18)]))


# --- ACPI -----------------------------------------------------------------------------
ARENA = 0x10000
SEAL_RSDP, SEAL_TABLES, RSDP_V2 = 1, 2, 4


def sdt(sig, body, rev=1):
    t = bytearray(sig + struct.pack("<IBB", 36 + len(body), rev, 0) + b"BOCHS BXPC    "
                  + struct.pack("<I", 1) + b"BXPC" + struct.pack("<I", 1) + body)
    t[9] = -sum(t) & 0xFF
    return bytes(t)


def madt(x2apic=False, extra=b""):
    e = b""
    for uid, apic, flags in ((0, 0, 1), (1, 1, 1), (2, 2, 0), (3, 3, 2)):
        e += (struct.pack("<BBHIII", 9, 16, 0, apic, flags, uid)
              if x2apic else struct.pack("<BBBBI", 0, 8, uid, apic, flags))
    e += struct.pack("<BBBBII", 1, 12, 0, 0, 0xFEC00000, 0)
    e += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    e += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0xD)
    e += struct.pack("<BBBHB", 4, 6, 0xFF, 0, 1)
    return sdt(b"APIC", struct.pack("<II", 0xFEE00000, 1) + e + extra, rev=3)


def hpet():
    return sdt(b"HPET", struct.pack("<IBBBBQBHB", 0x8086A201, 0, 64, 0, 0, 0xFED00000, 0,
                                    0x80, 0))


def fadt(rev=5, x_pmtmr=True):
    body = bytearray(244 - 36)
    struct.pack_into("<I", body, 40 - 36, 0x7FE0400)  # DSDT
    struct.pack_into("<H", body, 46 - 36, 9)  # SCI
    struct.pack_into("<I", body, 76 - 36, 0x608)  # PM_TMR_BLK
    body[91 - 36] = 4
    body[108 - 36] = 0x32
    struct.pack_into("<H", body, 109 - 36, 0x3)
    struct.pack_into("<I", body, 112 - 36, 0x1 << 8)
    if x_pmtmr:
        struct.pack_into("<BBBBQ", body, 208 - 36, 1, 32, 0, 3, 0x608)
    return sdt(b"FACP", bytes(body), rev=rev)


def rsdp(rev, rsdt, xsdt):
    r = bytearray(b"RSD PTR \0BOCHS " + bytes([rev]) + struct.pack("<IIQ", rsdt, 36, xsdt)
                  + bytes(4))
    r[8] = -sum(r[:20]) & 0xFF
    r[32] = -sum(r) & 0xFF
    return bytes(r)


def acpi_machine(flags, rev=2, tables=None, x2apic=False):
    tables = tables or [madt(x2apic), hpet(), fadt(), sdt(b"SSDT", b"\0" * 8)]
    arena = bytearray(0x100)  # the RSDT at 0 and the XSDT at 0x80, laid out below
    addrs = []
    for t in tables:
        arena += bytes(-len(arena) % 16)
        addrs.append(ARENA + len(arena))
        arena += t
    rsdt = sdt(b"RSDT", b"".join(struct.pack("<I", a) for a in addrs))
    xsdt = sdt(b"XSDT", b"".join(struct.pack("<Q", a) for a in addrs))
    assert len(rsdt) <= 0x80 and len(xsdt) <= 0x80
    arena[0:len(rsdt)] = rsdt
    arena[0x80:0x80 + len(xsdt)] = xsdt
    return bytes([flags, 0]) + rsdp(rev, ARENA, ARENA + 0x80 if rev >= 2 else 0) + arena


def acpi_seeds():
    write("acpi", "qemu-xsdt", acpi_machine(RSDP_V2))
    write("acpi", "qemu-xsdt-sealed", acpi_machine(RSDP_V2 | SEAL_RSDP | SEAL_TABLES))
    write("acpi", "rsdt-acpi1", acpi_machine(0, rev=0, tables=[madt(), fadt(rev=1,
                                                                            x_pmtmr=False)]))
    write("acpi", "x2apic", acpi_machine(RSDP_V2 | SEAL_TABLES, x2apic=True))
    write("acpi", "madt-odd-entries", acpi_machine(RSDP_V2 | SEAL_TABLES, tables=[
        madt(extra=struct.pack("<BBHQ", 5, 12, 0, 0xFEE10000) + bytes([7, 2, 1, 12]))]))
    bad = bytearray(acpi_machine(RSDP_V2))
    bad[2 + 36 + 0x100 + 20] ^= 0xFF  # a byte of the MADT: its checksum fails
    write("acpi", "bad-table-checksum", bad)
    write("acpi", "odd-rsdp-length", bytes([RSDP_V2 | 8, 24]) + acpi_machine(RSDP_V2)[2:])


# --- command line ---------------------------------------------------------------------
def cmdline_seeds():
    def seed(val_size, key, line):
        return bytes([val_size, len(key)]) + key + line

    write("cmdline", "grub-path-and-keys", seed(16, b"log", b"/boot/cairn.elf log=debug test"))
    write("cmdline", "bare-key-last-wins", seed(8, b"test", b"test=frame_ x test"))
    write("cmdline", "tabs-and-prefixes", seed(4, b"log", b"\tlogx=1 log\tlog=warning  "))
    write("cmdline", "no-value-buffer", seed(0, b"crash", b"crash=pagefault"))
    write("cmdline", "empty-key", seed(1, b"", b"=x = =="))
    write("cmdline", "long-line", seed(255, b"k", b"a " * 126 + b"k=" + b"v" * 40))


# --- rings ----------------------------------------------------------------------------
W, R, STORE, RPREP, WPREP, CLOSE, RWAIT, WWAIT, FLUSH, PEER = range(10)


def ring_seeds():
    def u16(v):
        return struct.pack("<H", v)

    # log2 choice (byte 0 % 7 + 6) and set-up byte (bit 0 attach, bit 1 slack), then ops.
    write("ring", "write-read", bytes([0, 0, W]) + u16(5) + bytes([R]) + u16(64))
    stream = b""
    for n in (1, 7, 8, 30, 0, 50, 100, 3):
        stream += bytes([W]) + u16(n) + bytes([W]) + u16(n + 9) + bytes([R]) + u16(128)
        stream += bytes([R]) + u16(4)
    write("ring", "wrapping-stream", bytes([2, 2]) + stream + bytes([FLUSH | 0x80, RPREP]))
    write("ring", "full-then-waits", bytes([0, 0]) + (bytes([W]) + u16(20)) * 4
          + bytes([WPREP, 20, WWAIT]) + u16(20) + bytes([R]) + u16(64)
          + bytes([RWAIT]) + u16(64) + bytes([CLOSE, PEER, R]) + u16(64))
    hdr = bytes(4 * 8 + 2)  # every header field at its valid value, head = tail = 0
    write("ring", "attach-valid", bytes([0, 1]) + hdr + bytes(64) + bytes([W]) + u16(10)
          + bytes([R]) + u16(10))
    rec = struct.pack("<II", 12, 0) + b"hello, ring!" + bytes(4)
    attach = bytes(16) + struct.pack("<II", 24, 0) + bytes(10) + rec + bytes(64 - len(rec))
    write("ring", "attach-one-record", bytes([0, 3]) + attach + bytes([R]) + u16(64))
    write("ring", "hostile-length", bytes([0, 0, W]) + u16(4) + bytes([STORE]) + u16(192)
          + struct.pack("<I", 0x1000) + bytes([R]) + u16(64) + bytes([W]) + u16(1))
    write("ring", "hostile-tail", bytes([1, 0, W]) + u16(4) + bytes([STORE]) + u16(128)
          + struct.pack("<I", 0x80000000) + bytes([W]) + u16(1) + bytes([WWAIT]) + u16(8))


# --- tar (the initfs) ----------------------------------------------------------------------
def tar_archive(fmt, members, pax_headers=None):
    """An archive made by Python's tarfile: members are (name, data or None for a directory)."""
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, pax_headers=pax_headers or {}) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if data is None:
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o755
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def tar_seeds():
    import tarfile
    elfish = b"\x7fELF" + bytes(range(256)) * 5
    write("tar", "ustar-files", tar_archive(tarfile.USTAR_FORMAT, [
        ("child", elfish), ("empty", b""), ("dir", None), ("dir/file", b"hello\n")]))
    write("tar", "ustar-long-names", tar_archive(tarfile.USTAR_FORMAT, [
        ("n" * 100, b"x"), ("p" * 155 + "/" + "n" * 100, b"y")]))
    write("tar", "pax-path-and-size", tar_archive(tarfile.PAX_FORMAT, [
        ("q" * 200, b"long name"), ("plain", b"z" * 700)]))
    write("tar", "pax-global", tar_archive(tarfile.PAX_FORMAT, [("a", b"a")],
                                           pax_headers={"comment": "global"}))
    # The initfs's own shape: a pax comment pads each member's data to a page.
    out = bytearray()
    for name, data in (("child", elfish), ("test-x", b"t" * 5000)):
        gap = (4096 - 512 - len(out) % 4096) % 4096
        if gap < 1024:
            gap += 4096
        length = gap - 512
        head = b"%d comment=" % length
        record = head + b"." * (length - len(head) - 1) + b"\n"
        hdr = tarfile.TarInfo("PaxHeader/" + name)
        hdr.type, hdr.size, hdr.mtime = tarfile.XHDTYPE, len(record), 0
        out += hdr.tobuf(tarfile.USTAR_FORMAT) + record
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o755, 0
        out += info.tobuf(tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)
    write("tar", "initfs", bytes(out) + bytes(1024))


# --- shparse (the shell's command lines) ------------------------------------------------
def shparse_seeds():
    """Two bytes of arena size (mod 4096), a misalignment byte, then the line."""
    lines = {
        "simple": b"ls -l /bin",
        "quotes": b"echo 'a b' \"c $HOME d\" e\\ f 'it''s'",
        "expansion": b"echo $A ${B}x $? $$ $1 \"$UNSET\" $",
        "pipeline": b"cat f | grep -v x | wc -l",
        "lists": b"a && b || c ; d\ne",
        "redirections": b"cmd < in > out 2>> err 2>&1 >&2 0<&3",
        "comment": b"echo a # b | c\n# whole line\nls",
        "continued": b"echo a \\\n b |\n c &&\n\n d",
        "errors": b"a | | b 'x",
        "unsupported": b"sleep 1 & (a) `b` $(c) << d",
    }
    for name, line in lines.items():
        write("shparse", name, struct.pack("<HB", 2048, 0) + line)
    write("shparse", "small-arena", struct.pack("<HB", 40, 3) + lines["redirections"])
# --- init's service manifest ---------------------------------------------------------
def manifest_seeds():
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "servers", "init", "services.example")
    with open(example, "rb") as f:
        write("manifest", "example", f.read())
    write("manifest", "minimal", b"[service a]\nprogram = a\nquota = 4K\n")
    write("manifest", "every-key",
          b"[service serial]\nprogram = bin/serial\nargs = -v --baud 9600\n"
          b"irq = isa:4 16-17\nioport = 0x3f8-0x3ff 0x60\nmemory = 0xfd000000+4M\n"
          b"register = serial tty\nlookup = log\nafter = log\nquota = 0x10000\n"
          b"priority = 29\nrestart = never\n"
          b"[service log]\nprogram = log\nquota = 1M\nregister = log\n")
    write("manifest", "order-chain",
          b"[service c]\nprogram = c\nquota = 4K\nafter = b a\n"
          b"[service b]\nprogram = b\nquota = 4K\nafter = a\n"
          b"[service a]\nprogram = a\nquota = 4K\n")
    write("manifest", "cycle",
          b"[service a]\nprogram = a\nquota = 4K\nafter = b\n"
          b"[service b]\nprogram = b\nquota = 4K\nafter = a\n")
    write("manifest", "shared-ports",
          b"[service a]\nprogram = a\nquota = 4K\nioport = 0x60-0x64\n"
          b"[service b]\nprogram = b\nquota = 4K\nioport = 0x64\n")
    write("manifest", "bad-numbers",
          b"[service a]\nprogram = a\nquota = 4G\npriority = 012\n"
          b"memory = 0xfffffffffffff000+0x2000\n")
    write("manifest", "no-final-newline", b"# c\n[service a] # x\n\tprogram=a\nquota=8K")


# --- readdir replies (fuzz_dirent.c: count, shift, the reply) -------------------------
def dirent(ino, dtype, name, reclen=None, namelen=None):
    body = struct.pack("<QHBB", ino, 0, dtype, len(name) if namelen is None else namelen)
    body += name + b"\0"
    body += b"\0" * (-len(body) % 8)
    if reclen is None:
        reclen = len(body)
    return body[:8] + struct.pack("<H", reclen) + body[10:]


def dirent_seeds():
    three = dirent(1, 1, b"a") + dirent(2, 2, b"dir") + dirent(3, 1, b"x" * 40)
    write("dirent", "three", bytes([3, 0]) + three)
    write("dirent", "shifted", bytes([3, 5]) + three)
    write("dirent", "longest", bytes([1, 0]) + dirent(9, 4, b"n" * 255))
    write("dirent", "padded", bytes([1, 0]) + dirent(7, 3, b"tty", reclen=32) + b"\0" * 16)
    write("dirent", "empty", bytes([0, 0]))
    write("dirent", "lying-count", bytes([9, 0]) + three)
    write("dirent", "dotdot", bytes([1, 0]) + dirent(1, 2, b".."))


# --- the terminal line discipline (fuzz_termline.c: a mode byte, then bytes typed,
# 0xff N reading (N + 1) * 8 bytes, 0xff 0x80+m setting the mode) ---
def termline_seeds():
    canon = 7  # canonical, echo, ^C
    read = b"\xff\x10"
    write("termline", "lines", bytes([canon]) + b"hello\rworld\n" + read + read + read)
    write("termline", "editing", bytes([canon]) +
          b"abc\x1b[D\x1b[Dx\x7f\x01y\x05z\x17w\x15q\x0bfoo bar\x1b[3~\x1b[H\x1b[F\r" + read)
    write("termline", "history", bytes([canon]) +
          b"one\rtwo\rthree\r\x1b[A\x1b[A\x1b[B!\r\x1bOA\x1bOB\x1b[B\x1b[B\r" + read * 5)
    write("termline", "eof-and-intr", bytes([canon]) + b"\x04ab\x04cd\x03\x04" + read * 4)
    write("termline", "full-line", bytes([canon]) + b"x" * 1100 + b"\x01\x1b[3~y\r" + read)
    write("termline", "full-queue", bytes([canon]) + (b"0123456789abcdef\r" * 70) + read +
          b"\r" + read)
    write("termline", "raw-and-back", bytes([canon]) + b"half\xff\x82raw\x03\xff\xff" +
          b"\xff\x87more\r" + read * 3)
    write("termline", "escapes", bytes([canon]) +
          b"\x1b[1;5C\x1b[99999999999999999999D\x1b\x1b[Cx\x1bO\x1b[\ra\x1b[1~\x1b[4~\r" + read)


# --- PCI configuration space (fuzz_pci.c: per function bus, devfn, 256 bytes, 6 BAR masks) ---
def pci_fn(bus, dev, fn, vendor, device, cls, hdr=0, bars=(), masks=(), caps=None, buses=None,
           irq=0):
    cfg = bytearray(256)
    struct.pack_into("<HHHH", cfg, 0, vendor, device, 0x0003, 0x0010 if caps else 0)
    struct.pack_into("<I", cfg, 8, cls << 8 | 1)
    cfg[14] = hdr
    for i, b in enumerate(bars):
        struct.pack_into("<I", cfg, 0x10 + 4 * i, b)
    if buses:
        cfg[0x18:0x1b] = bytes(buses)
    if caps:
        cfg[0x34] = caps[0][0]
        for at, cid, nxt in caps:
            cfg[at], cfg[at + 1] = cid, nxt
    struct.pack_into("<H", cfg, 0x3c, irq)
    m = bytearray(24)
    for i, v in enumerate(masks):
        struct.pack_into("<I", m, 4 * i, v)
    return bytes([bus, dev << 3 | fn]) + bytes(cfg) + bytes(m)


def pci_seeds():
    host = pci_fn(0, 0, 0, 0x8086, 0x29C0, 0x060000)
    vga = pci_fn(0, 1, 0, 0x1234, 0x1111, 0x030000, bars=(0xFD000008, 0, 0xFEBF0000),
                 masks=(0xFF000000, 0, 0xFFFFF000), irq=0x010B)
    lpc = pci_fn(0, 31, 0, 0x8086, 0x2918, 0x060100, hdr=0x80)
    sata = pci_fn(0, 31, 2, 0x8086, 0x2922, 0x010601, bars=(0, 0, 0, 0, 0xC041, 0xFEBF1000),
                  masks=(0, 0, 0, 0, 0xFFE0, 0xFFFFF000), caps=((0x80, 5, 0xA8), (0xA8, 0x12, 0)))
    nvme = pci_fn(2, 0, 0, 0x1B36, 0x0010, 0x010802, bars=(0x4, 0x8),
                  masks=(0xFFFFC000, 0xFFFFFFFF), caps=((0x40, 0x11, 0x50), (0x50, 5, 0x40)))
    bridge = pci_fn(0, 2, 0, 0x1B36, 0x000C, 0x060400, hdr=1, buses=(0, 2, 3))
    loop = pci_fn(2, 1, 0, 0x1B36, 0x000C, 0x060400, hdr=1, buses=(2, 0, 255))
    ones = bytes([0, 5 << 3]) + b"\x34\x12" + b"\xff" * 254 + b"\xff" * 24
    write("pci", "q35", host + vga + lpc + sata)
    write("pci", "bridges", host + bridge + nvme + loop)
    write("pci", "all-ones", host + ones)


# --- function tables (lib/elfsym) --------------------------------------------------
def symelf(funcs, table=True, text=(0x401000, 0x1000), extra_sections=0):
    """An ELF64 header, one R+X PT_LOAD, .shstrtab and (with table) a
    .cairn.syms of funcs [(addr, name)], then the section headers."""
    shstr = b"\0.shstrtab\0.cairn.syms\0"
    body = bytearray(shstr)
    shstr_off = 64 + 56
    syms_off = shstr_off + len(body)
    tab = b""
    if table:
        tab = struct.pack("<I", len(funcs)) + b"".join(struct.pack("<I", a) for a, _ in funcs)
        tab += b"".join(n.encode() + b"\0" for _, n in funcs)
    body += tab
    while (shstr_off + len(body)) % 8:
        body += b"\0"
    shoff = shstr_off + len(body)
    nsec = (3 if table else 2) + extra_sections
    ehdr = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x401000, 64, shoff, 0, 64, 56, 1, 64, nsec, 1)
    phdr = struct.pack("<IIQQQQQQ", PT_LOAD, PF_R | PF_X, 0x1000, text[0], text[0], text[1],
                       text[1], 0x1000)
    sh = b"\0" * 64
    sh += struct.pack("<IIQQQQIIQQ", 1, 3, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0)
    if table:
        sh += struct.pack("<IIQQQQIIQQ", 11, 1, 0, 0, syms_off, len(tab), 0, 0, 1, 0)
    sh += b"\0" * 64 * extra_sections
    return ehdr + phdr + bytes(body) + sh


def elfsym_seeds():
    funcs = [(0x401000, "_start"), (0x401100, "main"), (0x401400, "strlen"),
             (0x401800, "static_helper")]
    write("elfsym", "table", symelf(funcs))
    write("elfsym", "no-table", symelf(funcs, table=False))
    write("elfsym", "unsorted", symelf([(0x401800, "b"), (0x401000, "a"), (0x401800, "c")]))
    write("elfsym", "empty-table", symelf([]))
    write("elfsym", "null-sections", symelf(funcs, extra_sections=2))


# --- FAT volumes (fuzz_fat.c: a sparse device, u32 size, then {u32 sector, 512 bytes}) ---
def fat_sparse(image):
    out = bytearray(struct.pack("<I", len(image) // 512))
    for i in range(0, len(image), 512):
        sector = image[i:i + 512]
        if any(sector):
            out += struct.pack("<I", i // 512) + sector
    return out


def fat_volume(bits, spc, kib):
    """A volume made by mkfs.fat and filled by mtools, or None without them."""
    import shutil
    import subprocess
    import tempfile
    mkfs = shutil.which("mkfs.fat") or next(
        (p for p in ("/usr/sbin/mkfs.fat", "/sbin/mkfs.fat") if os.path.exists(p)), None)
    if not mkfs or not shutil.which("mcopy"):
        return None
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C.UTF-8", TZ="UTC")
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "v.img")
        subprocess.run([mkfs, "-C", "-F", str(bits), "-s", str(spc), "-i", "1234ABCD", "-n",
                        "SEED", img, str(kib)], check=True, stdout=subprocess.DEVNULL)
        files = [("/hello.txt", b"hello, world\n" * 8), ("/Long File Name.txt", bytes(range(256)) * 2),
                 ("/dir/sub/three clusters.bin", bytes((i * 7) & 255 or 1 for i in range(1500)))]
        for d in ("::/dir", "::/dir/sub"):
            subprocess.run(["mmd", "-i", img, d], check=True, env=env)
        for i, (name, data) in enumerate(files):
            src = os.path.join(tmp, "f%d" % i)
            with open(src, "wb") as f:
                f.write(data)
            subprocess.run(["mcopy", "-i", img, src, "::" + name], check=True, env=env)
        with open(img, "rb") as f:
            return f.read()


def fat_seeds():
    for name, bits, spc, kib in (("fat12", 12, 1, 128), ("fat16", 16, 4, 16384),
                                 ("fat32", 32, 1, 34816)):
        image = fat_volume(bits, spc, kib)
        if image is None:
            print("mkcorpus: no mkfs.fat or mtools: the fat seeds are left as they are")
            return
        write("fat", name, fat_sparse(image))
    # The smallest inputs: a boot sector alone, and nothing.
    write("fat", "boot-sector-only", fat_sparse(fat_volume(12, 1, 128)[:512] + bytes(512 * 255)))
    write("fat", "empty", b"")


# --- partition tables (fuzz_part.c: u32 size, u8 flags, then {u32 sector, 512 bytes}) ---
def part_disk(script, sectors=32768):
    """A disk of `sectors` sectors partitioned by sfdisk, or None without it."""
    import shutil
    import subprocess
    import tempfile
    sfdisk = shutil.which("sfdisk") or next(
        (p for p in ("/usr/sbin/sfdisk", "/sbin/sfdisk") if os.path.exists(p)), None)
    if not sfdisk:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        img = os.path.join(tmp, "d.img")
        with open(img, "wb") as f:
            f.truncate(sectors * 512)
        subprocess.run([sfdisk, "--no-reread", "--no-tell-kernel", "-q", img],
                       input=script.encode(), check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, LC_ALL="C.UTF-8"))
        with open(img, "rb") as f:
            return f.read()


def part_seeds():
    mbr = part_disk("label: dos\nstart=2048, size=4096, type=c, bootable\n"
                    "start=6144, size=2048, type=83\nstart=8192, size=16384, type=5\n"
                    "start=10240, size=4096, type=83\nstart=16384, size=4096, type=7\n")
    gpt = part_disk("label: gpt\nstart=2048, size=2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, "
                    "name=\"EFI system\"\nstart=4096, size=4096, name=\"Donn\u00e9es \u20ac\"\n"
                    "start=8192, size=2048, attrs=\"RequiredPartition\"\n")
    if mbr is None or gpt is None:
        print("mkcorpus: no sfdisk: the part seeds are left as they are")
        return
    # The CRC-fixing seed's first name has a surrogate pair (U+1F600) and a
    # lone surrogate, which sfdisk will not write.
    named = bytearray(gpt)
    named[1024 + 56:1024 + 128] = "a\U0001F600b".encode("utf-16-le") + b"\x00\xdc" + bytes(62)
    for name, image, flags in (("mbr", mbr, 0), ("gpt", gpt, 0), ("gpt-fix-crcs", named, 3)):
        sparse = fat_sparse(image)
        write("part", name, sparse[:4] + bytes([flags]) + sparse[4:])
    # The GPT again on 4096-byte sectors (flags: SECTOR_4K, CRCs made right by
    # the harness): header in LBA 1, array in 2..5, the backup array before
    # the backup header, every bound over 8.
    n4 = len(gpt) // 4096
    units = {0: bytearray(gpt[:512])}
    struct.pack_into("<I", units[0], 446 + 12, n4 - 1)
    array = bytearray(gpt[1024:1024 + 512])
    for i in range(4):
        first, last = struct.unpack_from("<QQ", array, 128 * i + 32)
        if last:
            struct.pack_into("<QQ", array, 128 * i + 32, first // 8, (last + 1) // 8 - 1)
    for hdr, other, arr in ((1, n4 - 1, 2), (n4 - 1, 1, n4 - 5)):
        h = bytearray(gpt[512:1024])
        struct.pack_into("<QQQQ", h, 24, hdr, other, 6, n4 - 6)
        struct.pack_into("<Q", h, 72, arr)
        units[hdr * 8] = h
        units[arr * 8] = array
    out = bytearray(struct.pack("<IB", n4, 7))
    for u in sorted(units):
        out += struct.pack("<I", u) + units[u]
    write("part", "gpt-4k", out)
    write("part", "empty", b"")


# --- IDENTIFY DEVICE answers (fuzz_ahci.c: the 512 bytes as the disk gives them) ---
def ahci_identify(sectors, model, sector_words=0, checksum=True):
    w = [0] * 256
    w[0] = 0x0040
    w[49] = 0x0B00
    w[60], w[61] = min(sectors, 0x0FFFFFFF) & 0xFFFF, min(sectors, 0x0FFFFFFF) >> 16
    w[76], w[82], w[83], w[84], w[85], w[86], w[87] = 0x0120, 0x4021, 0x7400, 0x4000, 0x4021, 0x3400, 0x4000
    for i in range(4):
        w[100 + i] = (sectors >> (16 * i)) & 0xFFFF
    m = model.ljust(40)[:40].encode()
    for i in range(20):
        w[27 + i] = m[2 * i] << 8 | m[2 * i + 1]
    if sector_words:
        w[106] = 0x5000
        w[117], w[118] = sector_words & 0xFFFF, sector_words >> 16
    b = bytearray(struct.pack("<256H", *w))
    if checksum:
        b[510] = 0xA5
        b[511] = (-sum(b[:511])) & 0xFF
    return b


def ahci_seeds():
    write("ahci", "qemu-harddisk", ahci_identify(131072, "QEMU HARDDISK"))
    write("ahci", "big-4k-sectors", ahci_identify(0x123456789A, "Some 4Kn disk", 2048))
    write("ahci", "no-checksum", ahci_identify(2048, "Old disk", checksum=False))


def main():
    if len(sys.argv) > 1:
        sys.exit("usage: mkcorpus.py (writes tests/fuzz/corpus/)")
    elf_seeds()
    mb2_seeds()
    acpi_seeds()
    cmdline_seeds()
    ring_seeds()
    tar_seeds()
    shparse_seeds()
    manifest_seeds()
    dirent_seeds()
    termline_seeds()
    pci_seeds()
    elfsym_seeds()
    fat_seeds()
    part_seeds()
    ahci_seeds()


main()
