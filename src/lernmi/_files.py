"""Writing a file all at once: how lernmi writes everything it saves (a Network's .npz
archive, an IDX file, an ONNX model)."""

import contextlib
import os
import secrets
import stat


def checked_path(path):
    """`path` as a str; TypeError unless it is a str or an os.PathLike naming one."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}") \
            from None
    if not isinstance(path, str):
        raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
    return path


@contextlib.contextmanager
def new_file(path):
    """A binary file for what `path` will hold, written atomically: it is a temporary file
    in the same folder, which replaces the file at `path` only once the block within has
    written it all; if the block fails, the temporary file goes and any file at `path`
    stays as it was.

    As open(path, "wb") would, it writes through a symbolic link to the file the link
    names, and refuses a folder (or a name ending in a slash) and a file it may not write.
    It also refuses anything else that is not a regular file (a device such as /dev/null,
    a named pipe), which the rename would replace. A file it replaces keeps its
    permissions. Its errors from checking the path and making the temporary file name
    `path`, never the temporary file."""
    path = checked_path(path)
    if not path:
        raise ValueError("path is empty: name the file to write")
    target = os.path.realpath(path)  # the link stays; the file it names is replaced
    folder, name = os.path.split(target)
    if os.path.isdir(target) or path.endswith(tuple(filter(None, (os.sep, os.altsep)))):
        raise IsADirectoryError(f"cannot write {path}: it names a folder")
    if os.path.lexists(target) and not os.path.isfile(target):
        raise ValueError(f"cannot write {path}: it is not a regular file")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {path}: there is no folder {folder}")
    mode = os.stat(target).st_mode if os.path.exists(target) else None
    if mode is not None and not os.access(target, os.W_OK):
        raise PermissionError(f"cannot write {path}: it is read-only")
    # At most 55 characters, whatever the name's length: any name the folder allows
    # leaves room for it.
    temporary = os.path.join(folder, f".{name[:40]}.{secrets.token_hex(4)}.tmp")
    try:  # opened like open(path, "xb") would be: new, with the permissions the umask gives
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                     | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:  # a folder it may not write in, say
        raise type(error)(error.errno, f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename makes it visible
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
