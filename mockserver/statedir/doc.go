// Package statedir keeps a store's state in a directory across restarts,
// for `standin serve --state-dir DIR`: [Open] restores it, [Dir.Run]
// writes what changed on an interval, [Dir.Flush] writes what changed
// now (serve calls it once more at shutdown).
//
// The directory holds one file per namespace that was changed:
//
//	NS.json            the state of namespace NS, exactly as
//	                   GET /__standin/snapshot?namespace=NS answers it
//	                   ({"NS": {api: state}}), so a file can be read,
//	                   edited and sent to PUT /__standin/snapshot as it is;
//	                   each capital letter of NS is written as '!' and the
//	                   letter in lower case ("Team-A" → "!team-!a.json"),
//	                   as Go's module cache does, so that namespaces that
//	                   differ in case stay apart where file names do not
//	NS.json.N.tmp      a write in progress; one left by a crash is removed
//	                   when the directory is opened again
//	standin.lock       locked while a server uses the directory, so that a
//	                   second server on it refuses to start
//	standin-state.txt  marks a directory that holds state: a seed
//	                   snapshot is loaded only into one without it
//
// A namespace is written only when it changed since its file was written
// (the store's [Store.Versions]), and never re-encoded otherwise. A
// namespace that was reset or dropped has its file removed, so it does not
// come back after a restart; one that was never changed has no file and
// starts from its data set, as without a state directory.
//
// Each write is crash-safe: the state goes to a temporary file in the
// directory, which is synced and renamed over the namespace's file, and
// the directory is synced after the renames of a flush. Whenever the
// process dies (kill -9, a crash, a power cut), each file is either its
// previous version or its new one, never a mix.
//
// Loss window: a change a client was told about is on disk at the latest
// one interval plus the time of one flush after the answer. A kill -9 or a
// crash loses the changes of that window at most; a graceful stop (SIGTERM,
// Ctrl-C) loses nothing, because serve flushes once more after the last
// request was answered.
//
// A file that cannot be read, parsed or imported stops [Open] with an
// error that names the file and the first problem in it (the namespace,
// the API and the JSON pointer, as PUT /__standin/snapshot reports it), and
// serve refuses to start: a server that silently dropped a namespace would
// answer with data the tests did not expect. Fix the file or remove it.
package statedir
