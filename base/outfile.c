/*
 * NOTES ON OUTPUT FILES
 *
 * Definitions.  The target is the file the user named, after following
 * symbolic links; the temporary file is TARGET.tmp-XXXXXX in the target's
 * folder (same file system, so rename is atomic).
 *
 * Invariants.
 *   (1) The target changes only by one rename of a complete, fsync'ed
 *       temporary file: a failure or a kill at any moment leaves either the
 *       old target or the new one, never a mixture.
 *   (2) Only a regular file is ever replaced; a character device is written
 *       in place (there is nothing to lose), anything else is refused.
 *   (3) After a failed write every later write and the commit fail
 *       (o->failed), so a short file is never renamed in.
 *
 * Interface: sim_out_open(), writes through sim_out_write() / sim_out_fd() /
 * sim_out_stream() / sim_out_path(), then sim_out_commit() or sim_out_abort().
 */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

struct sim_out {
	int fd;
	int direct;        /* 1: writing a device in place, no temporary file */
	int failed;        /* SIM_E* of the first failed write, else 0 */
	struct sim_err first;
	FILE *stream;      /* from sim_out_stream, on a dup of fd */
	uint64_t offset;   /* bytes written by sim_out_write */
	char *target;      /* resolved path */
	char *tmp;         /* temporary path, NULL when direct */
};

/* Follow symbolic links from path to the file they name (which may not exist
 * yet: a dangling link names the file to create).  Returns a malloc'd path. */
static char *resolve(const char *path, struct sim_err *err)
{
	char *p = sim_strdup(path), link[PATH_MAX];
	struct stat st;

	for (int hops = 0; p; hops++) {
		ssize_t n;
		if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
			return p;
		if (hops == 40) {
			sim_errf(err, SIM_EIO, "%s: %s", path, strerror(ELOOP));
			sim_free(p);
			return NULL;
		}
		n = readlink(p, link, sizeof link - 1);
		if (n < 0) {
			sim_errf(err, SIM_EIO, "%s: %s", path, strerror(errno));
			sim_free(p);
			return NULL;
		}
		link[n] = '\0';
		if (link[0] == '/') {
			sim_free(p);
			p = sim_strdup(link);
		} else {
			char *slash = strrchr(p, '/');
			size_t dl = slash ? (size_t)(slash - p) + 1 : 0;
			char *q = sim_malloc(dl + (size_t)n + 1);
			if (q) {
				memcpy(q, p, dl);
				memcpy(q + dl, link, (size_t)n + 1);
			}
			sim_free(p);
			p = q;
		}
	}
	sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	return NULL;
}

static const char *kind(mode_t m)
{
	return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	       S_ISBLK(m) ? "a block device" : "not a regular file";
}

static void out_free(sim_out *o)
{
	sim_free(o->target);
	sim_free(o->tmp);
	sim_free(o);
}

int sim_out_open(sim_out **out, const char *path, struct sim_err *err)
{
	struct stat st;
	sim_out *o;
	int rc, exists;
	mode_t mode;

	*out = NULL;
	if (!(o = sim_calloc(1, sizeof *o)))
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	o->fd = -1;
	if (!(o->target = resolve(path, err))) {
		sim_free(o);
		return err ? err->code : SIM_EIO;
	}
	exists = stat(o->target, &st) == 0;
	if (!exists && errno != ENOENT) {
		rc = sim_errf(err, SIM_EIO, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	if (exists && S_ISCHR(st.st_mode)) {   /* keeps (2) */
		o->direct = 1;
		o->fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (o->fd < 0) {
			rc = sim_errf(err, SIM_EIO, "%s: cannot open: %s", path, strerror(errno));
			goto out_free;
		}
		*out = o;
		return SIM_OK;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		rc = sim_errf(err, SIM_EINVAL, "%s: %s; refusing to replace it", path, kind(st.st_mode));
		goto out_free;
	}
	if (exists && access(o->target, W_OK) != 0) {
		rc = sim_errf(err, SIM_EIO, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	if (exists)
		mode = st.st_mode & 07777;
	else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	{
		size_t n = strlen(o->target) + 16;
		if (!(o->tmp = sim_malloc(n))) {
			rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
			goto out_free;
		}
		snprintf(o->tmp, n, "%s.tmp-XXXXXX", o->target);
	}
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		rc = sim_errf(err, SIM_EIO, "%s: cannot create a file in its folder: %s", path, strerror(errno));
		goto out_free;
	}
	if (fchmod(o->fd, mode) != 0 || flock(o->fd, LOCK_EX | LOCK_NB) != 0) {
		rc = sim_errf(err, SIM_EIO, "%s: %s", o->tmp, strerror(errno));
		close(o->fd);
		unlink(o->tmp);
		goto out_free;
	}
	*out = o;
	return SIM_OK;
out_free:
	out_free(o);
	return rc;
}

int sim_out_fd(const sim_out *o)
{
	return o->fd;
}

const char *sim_out_path(const sim_out *o)
{
	return o->direct ? o->target : o->tmp;
}

const char *sim_out_target(const sim_out *o)
{
	return o->target;
}

FILE *sim_out_stream(sim_out *o, struct sim_err *err)
{
	int fd;
	if (o->stream)
		return o->stream;
	if ((fd = dup(o->fd)) < 0 || !(o->stream = fdopen(fd, "w"))) {
		sim_errf(err, SIM_EIO, "%s: %s", o->target, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return o->stream;
}

static int fail(sim_out *o, int code, struct sim_err *err, const char *what, int e)
{
	sim_errf(err, code, "%s: %s: %s", o->target, what, strerror(e));
	if (!o->failed) {
		o->failed = code;
		if (err)
			o->first = *err;
	}
	return code;
}

int sim_out_write(sim_out *o, const void *buf, size_t n, struct sim_err *err)
{
	const char *p = buf;
	if (o->failed) {   /* keeps (3) */
		if (err)
			*err = o->first;
		return o->failed;
	}
	while (n > 0) {
		ssize_t k = write(o->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			char what[64];
			snprintf(what, sizeof what, "byte %llu: write failed", (unsigned long long)o->offset);
			return fail(o, SIM_EIO, err, what, k < 0 ? errno : ENOSPC);
		}
		p += k;
		n -= (size_t)k;
		o->offset += (uint64_t)k;
	}
	return SIM_OK;
}

/* fsync the folder holding path, so the rename itself survives a crash. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;
	if (!slash)
		dir = sim_strdup(".");
	else if (slash == path)
		dir = sim_strdup("/");
	else if ((dir = sim_malloc((size_t)(slash - path) + 1))) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	if (!dir)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	sim_free(dir);
}

int sim_out_commit(sim_out *o, struct sim_err *err)
{
	int rc = SIM_OK;
	if (!o)
		return SIM_OK;
	if (o->stream) {
		int e = 0;
		if (fflush(o->stream) != 0 || ferror(o->stream))
			e = errno ? errno : EIO;
		if (fclose(o->stream) != 0 && !e)
			e = errno;
		o->stream = NULL;
		if (e)
			fail(o, SIM_EIO, err, "write failed", e);
	}
	if (o->failed) {
		if (err)
			*err = o->first;
		rc = o->failed;
	} else if (fsync(o->fd) != 0 && !(o->direct && (errno == EINVAL || errno == EROFS)))
		rc = fail(o, SIM_EIO, err, "write failed", errno);
	if (close(o->fd) != 0 && rc == SIM_OK && !o->direct)
		rc = fail(o, SIM_EIO, err, "write failed", errno);
	o->fd = -1;
	if (!o->direct) {
		if (rc == SIM_OK && rename(o->tmp, o->target) != 0)   /* keeps (1) */
			rc = fail(o, SIM_EIO, err, "cannot rename into place", errno);
		if (rc != SIM_OK)
			unlink(o->tmp);
		else
			sync_dir(o->target);
	}
	out_free(o);
	return rc;
}

void sim_out_abort(sim_out *o)
{
	if (!o)
		return;
	if (o->stream)
		fclose(o->stream);
	if (o->fd >= 0)
		close(o->fd);
	if (!o->direct)
		unlink(o->tmp);
	out_free(o);
}

int sim_out_write_file(const char *path, const void *buf, size_t n, struct sim_err *err)
{
	sim_out *o;
	int rc = sim_out_open(&o, path, err);
	if (rc != SIM_OK)
		return rc;
	if ((rc = sim_out_write(o, buf, n, err)) != SIM_OK) {
		sim_out_abort(o);
		return rc;
	}
	return sim_out_commit(o, err);
}

int sim_out_not_input(const char *output, const char *input, struct sim_err *err)
{
	struct stat a, b;
	if (!output || !input || stat(output, &a) != 0 || stat(input, &b) != 0)
		return SIM_OK;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return sim_errf(err, SIM_EINVAL, "%s: the output is the input file %s; refusing to overwrite it",
				output, input);
	return SIM_OK;
}

int sim_file_has_magic(const char *path, const void *magic, size_t n)
{
	char buf[64];
	struct stat st;
	int fd, yes;
	if (n > sizeof buf || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return 0;
	yes = pread(fd, buf, n, 0) == (ssize_t)n && memcmp(buf, magic, n) == 0;
	close(fd);
	return yes;
}

struct sim_lock {
	int fd;
	char *path;       /* PATH.lock */
	long stale_pid;   /* the pid a lock file left behind named, or 0 */
};

/* The pid written in the lock file open at fd, or 0 (none, unreadable). */
static long lock_pid(int fd)
{
	char buf[32];
	ssize_t k = pread(fd, buf, sizeof buf - 1, 0);
	long pid;
	buf[k > 0 ? k : 0] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : 0;
}

/* 1 if process pid is gone (no such process), 0 if it runs or cannot be
 * told (another user's). */
static int pid_gone(long pid)
{
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int sim_lock_take(const char *path, struct sim_lock **out, struct sim_err *err)
{
	struct sim_lock *l;
	struct stat a, b;
	char *target, buf[32];
	size_t n;
	int rc = SIM_OK;

	*out = NULL;
	if (!(target = resolve(path, err)))
		return err ? err->code : SIM_EIO;
	n = strlen(target) + 8;
	if (!(l = sim_calloc(1, sizeof *l)) || !(l->path = sim_malloc(n))) {
		sim_free(l);
		sim_free(target);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	snprintf(l->path, n, "%s.lock", target);
	sim_free(target);
	for (;;) {
		l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (l->fd < 0) {
			rc = sim_errf(err, SIM_EIO, "%s: cannot create the lock file %s: %s", path, l->path,
				      strerror(errno));
			break;
		}
		if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
			int e = errno;
			long pid = lock_pid(l->fd);
			if (e == EWOULDBLOCK && pid > 0 && pid_gone(pid))
				rc = sim_errf(err, SIM_EIO, "%s: in use: %s names process %ld, which has ended, "
					      "but a process it started still holds the lock (fuser %s "
					      "names it)", path, l->path, pid, l->path);
			else if (e == EWOULDBLOCK && pid > 0)
				rc = sim_errf(err, SIM_EIO, "%s: in use by another disco process (pid %ld, "
					      "holding %s)", path, pid, l->path);
			else if (e == EWOULDBLOCK)
				rc = sim_errf(err, SIM_EIO, "%s: in use by another disco process (holding %s)",
					      path, l->path);
			else
				rc = sim_errf(err, SIM_EIO, "%s: cannot lock %s: %s", path, l->path, strerror(e));
			break;
		}
		/* the holder before us may have removed the file after we opened
		 * it: then our lock is on a file nobody else will see; again */
		if (fstat(l->fd, &a) == 0 && stat(l->path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			break;
		close(l->fd);
	}
	if (rc != SIM_OK) {
		if (l->fd >= 0)
			close(l->fd);
		sim_free(l->path);
		sim_free(l);
		return rc;
	}
	/* a holder removes the file as it lets go: one still there, naming
	 * another process, was left by a process that ended without letting go
	 * (killed, or crashed); the lock ended with it, so it is ours now */
	l->stale_pid = lock_pid(l->fd);
	if (l->stale_pid == (long)getpid())
		l->stale_pid = 0;
	{
		int k = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
		/* the pid is only a courtesy to the next process: errors ignored */
		if (ftruncate(l->fd, 0) == 0 && pwrite(l->fd, buf, (size_t)k, 0) != k) {
		}
	}
	*out = l;
	return SIM_OK;
}

long sim_lock_stale_pid(const struct sim_lock *l)
{
	return l ? l->stale_pid : 0;
}

void sim_lock_release(struct sim_lock *l)
{
	if (!l)
		return;
	unlink(l->path);   /* while still holding it: see the check in sim_lock_take */
	close(l->fd);
	sim_free(l->path);
	sim_free(l);
}
