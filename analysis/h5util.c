#include "analysis/h5util.h"

#include <stdint.h>
#include <string.h>

#include <xxhash.h>

#include "base/mem.h"
#include "base/outfile.h"

void an_h5_quiet(void)
{
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

hid_t an_h5_str_type(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0)
		return t;
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

hid_t an_h5_dcpl(int rank, const hsize_t *dims)
{
	hid_t p;
	for (int i = 0; i < rank; i++)
		if (dims[i] == 0)
			return H5P_DEFAULT;
	if (rank < 1 || (p = H5Pcreate(H5P_DATASET_CREATE)) < 0)
		return H5P_DEFAULT;
	if (H5Pset_chunk(p, rank, dims) < 0 || H5Pset_fletcher32(p) < 0) {
		H5Pclose(p);
		return H5P_DEFAULT;
	}
	return p;
}

void an_h5_dcpl_close(hid_t dcpl)
{
	if (dcpl != H5P_DEFAULT)
		H5Pclose(dcpl);
}

hid_t an_h5_dxpl(size_t bytes)
{
	hid_t p = H5Pcreate(H5P_DATASET_XFER);
	if (p < 0)
		return H5P_DEFAULT;
	if (H5Pset_buffer(p, bytes ? bytes : 1, NULL, NULL) < 0) {
		H5Pclose(p);
		return H5P_DEFAULT;
	}
	return p;
}

void an_h5_dxpl_close(hid_t dxpl)
{
	if (dxpl != H5P_DEFAULT)
		H5Pclose(dxpl);
}

hid_t an_h5_fapl_mem(void)
{
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (fapl < 0)
		return -1;
	/* v1.8 format: dense attribute storage; grow in 1 MiB steps */
	if (H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0 ||
	    H5Pset_fapl_core(fapl, 1 << 20, 0) < 0) {
		H5Pclose(fapl);
		return -1;
	}
	return fapl;
}

int an_h5_links_compact(hid_t gcpl)
{
	return H5Pset_link_phase_change(gcpl, AN_H5_MAX_COMPACT, AN_H5_MAX_COMPACT) < 0 ? -1 : 0;
}

/* Bob Jenkins' lookup3 hashlittle (public domain), which HDF5 uses as its
 * metadata checksum. */
#define ROT(x, k) (((x) << (k)) | ((x) >> (32 - (k))))
static uint32_t lookup3(const uint8_t *k, size_t len, uint32_t init)
{
	uint32_t a, b, c;
	a = b = c = 0xdeadbeef + (uint32_t)len + init;
	while (len > 12) {
		a += k[0] + ((uint32_t)k[1] << 8) + ((uint32_t)k[2] << 16) + ((uint32_t)k[3] << 24);
		b += k[4] + ((uint32_t)k[5] << 8) + ((uint32_t)k[6] << 16) + ((uint32_t)k[7] << 24);
		c += k[8] + ((uint32_t)k[9] << 8) + ((uint32_t)k[10] << 16) + ((uint32_t)k[11] << 24);
		a -= c; a ^= ROT(c, 4);  c += b;
		b -= a; b ^= ROT(a, 6);  a += c;
		c -= b; c ^= ROT(b, 8);  b += a;
		a -= c; a ^= ROT(c, 16); c += b;
		b -= a; b ^= ROT(a, 19); a += c;
		c -= b; c ^= ROT(b, 4);  b += a;
		len -= 12;
		k += 12;
	}
	switch (len) {   /* the last 1-12 bytes; fall through */
	case 12: c += (uint32_t)k[11] << 24; /* fall through */
	case 11: c += (uint32_t)k[10] << 16; /* fall through */
	case 10: c += (uint32_t)k[9] << 8;   /* fall through */
	case 9:  c += k[8];                  /* fall through */
	case 8:  b += (uint32_t)k[7] << 24;  /* fall through */
	case 7:  b += (uint32_t)k[6] << 16;  /* fall through */
	case 6:  b += (uint32_t)k[5] << 8;   /* fall through */
	case 5:  b += k[4];                  /* fall through */
	case 4:  a += (uint32_t)k[3] << 24;  /* fall through */
	case 3:  a += (uint32_t)k[2] << 16;  /* fall through */
	case 2:  a += (uint32_t)k[1] << 8;   /* fall through */
	case 1:  a += k[0]; break;
	case 0:  return c;
	}
	c ^= b; c -= ROT(b, 14);
	a ^= c; a -= ROT(c, 11);
	b ^= a; b -= ROT(a, 25);
	c ^= b; c -= ROT(b, 16);
	a ^= c; a -= ROT(c, 4);
	b ^= a; b -= ROT(a, 14);
	c ^= b; c -= ROT(b, 24);
	return c;
}

/* HDF5 1.10 clears the file-open flags of a version 2-3 superblock in the
 * image H5Fget_file_image returns but keeps the checksum computed with them
 * set, so the image would not open: recompute it. */
static void fix_superblock(uint8_t *img, size_t n)
{
	size_t off, len;
	uint32_t sum;
	if (n < 12 || memcmp(img, "\211HDF\r\n\032\n", 8) != 0 || img[8] < 2 || img[8] > 3)
		return;
	off = img[9];                    /* size of offsets */
	len = 12 + 4 * off;              /* the fields before the checksum */
	if (len + 4 > n)
		return;
	sum = lookup3(img, len, 0);
	img[len] = (uint8_t)sum;
	img[len + 1] = (uint8_t)(sum >> 8);
	img[len + 2] = (uint8_t)(sum >> 16);
	img[len + 3] = (uint8_t)(sum >> 24);
}

/* ---------- Digests (see h5util.h) ---------- */

#define DIGEST_ATTR "digest"
#define MAX_DIGEST_BYTES ((size_t)1 << 31)   /* bound on one value read whole */

/* A digest being made; nomem is set when a value could not be read for
 * want of memory (not damage). */
struct hctx {
	XXH3_state_t *st;
	int nomem;
};

static void put(struct hctx *h, const void *p, size_t n)
{
	XXH3_64bits_update(h->st, p, n);
}

/* One element of type t at p: fixed-size bytes as stored, a variable-length
 * string by its bytes (and its NUL), a compound member by member. */
static int hash_elem(struct hctx *st, hid_t t, const uint8_t *p)
{
	H5T_class_t cl = H5Tget_class(t);
	if (cl == H5T_STRING && H5Tis_variable_str(t) > 0) {
		const char *s;
		memcpy(&s, p, sizeof s);
		put(st, s ? s : "", s ? strlen(s) + 1 : 1);
		return 0;
	}
	if (cl == H5T_COMPOUND) {
		int n = H5Tget_nmembers(t);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			hid_t mt = H5Tget_member_type(t, (unsigned)i);
			char *name = H5Tget_member_name(t, (unsigned)i);
			int rc = mt < 0 || !name ? -1 : 0;
			if (!rc) {
				put(st, name, strlen(name) + 1);
				rc = hash_elem(st, mt, p + H5Tget_member_offset(t, (unsigned)i));
			}
			if (name)
				H5free_memory(name);
			if (mt >= 0)
				H5Tclose(mt);
			if (rc)
				return -1;
		}
		return 0;
	}
	if (cl == H5T_VLEN || cl == H5T_REFERENCE)
		return -1;   /* not in a results file */
	put(st, p, H5Tget_size(t));
	return 0;
}

/* The values of an attribute (is_attr) or a dataset, in their own type:
 * 0, or -1 if they cannot be read (a damaged file: a checksum HDF5 keeps
 * failed, a type or shape that makes no sense). */
static int hash_values(struct hctx *st, hid_t obj, int is_attr)
{
	hid_t t = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
	hid_t s = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
	hssize_t np = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	size_t sz = t >= 0 ? H5Tget_size(t) : 0;
	int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1, rc = -1;
	hsize_t dims[H5S_MAX_RANK];
	uint8_t *buf = NULL;

	if (t < 0 || s < 0 || np < 0 || sz == 0 || rank < 0 ||
	    H5Sget_simple_extent_dims(s, dims, NULL) < 0 || (size_t)np > MAX_DIGEST_BYTES / sz)
		goto out;
	put(st, &sz, sizeof sz);
	put(st, &rank, sizeof rank);
	put(st, dims, (size_t)rank * sizeof dims[0]);
	if (np == 0) {
		rc = 0;
		goto out;
	}
	if (!(buf = sim_calloc((size_t)np, sz))) {
		st->nomem = 1;
		goto out;
	}
	if ((is_attr ? H5Aread(obj, t, buf) : H5Dread(obj, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)) < 0) {
		sim_free(buf);
		buf = NULL;
		goto out;
	}
	rc = 0;
	for (hssize_t i = 0; i < np && !rc; i++)
		rc = hash_elem(st, t, buf + (size_t)i * sz);
	H5Dvlen_reclaim(t, s, H5P_DEFAULT, buf);
out:
	sim_free(buf);
	if (s >= 0) H5Sclose(s);
	if (t >= 0) H5Tclose(t);
	return rc;
}

static herr_t hash_attr(hid_t loc, const char *name, const H5A_info_t *info, void *arg)
{
	hid_t a;
	int rc;
	(void)info;
	if (!strcmp(name, DIGEST_ATTR))
		return 0;
	put(arg, name, strlen(name) + 1);
	if ((a = H5Aopen(loc, name, H5P_DEFAULT)) < 0)
		return -1;
	rc = hash_values(arg, a, 1);
	H5Aclose(a);
	return rc;
}

static herr_t hash_link(hid_t loc, const char *name, const H5L_info_t *info, void *arg)
{
	(void)loc;
	(void)info;
	if (name[0] != '.')   /* a run or table being written is not part of it yet */
		put(arg, name, strlen(name) + 1);
	return 0;
}

/* The digest of obj: a dataset's values and attributes; a group's
 * attributes and, unless it is the root (whose runs come and go), the
 * names of its members.  0, -1 (unreadable) or -2 (out of memory). */
static int digest_of(hid_t obj, uint64_t *out)
{
	struct hctx h = { XXH3_createState(), 0 };
	H5I_type_t kind = H5Iget_type(obj);
	hsize_t idx = 0;
	int rc = -1;
	if (!h.st)
		return -2;
	XXH3_64bits_reset(h.st);
	put(&h, kind == H5I_DATASET ? "D" : "G", 1);
	if (kind == H5I_DATASET && hash_values(&h, obj, 0) < 0)
		goto out;
	if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, hash_attr, &h) < 0)
		goto out;
	idx = 0;
	if (kind == H5I_GROUP) {
		hid_t root = H5Gopen2(obj, "/", H5P_DEFAULT);
		H5O_info_t a, b;
		int is_root = root >= 0 && H5Oget_info2(obj, &a, H5O_INFO_BASIC) >= 0 &&
			      H5Oget_info2(root, &b, H5O_INFO_BASIC) >= 0 && a.addr == b.addr;
		if (root >= 0)
			H5Gclose(root);
		if (!is_root && H5Literate(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, hash_link, &h) < 0)
			goto out;
	}
	*out = XXH3_64bits_digest(h.st);
	rc = 0;
out:
	XXH3_freeState(h.st);
	return rc < 0 && h.nomem ? -2 : rc;
}

static int set_digest(hid_t obj)
{
	uint64_t d;
	hid_t a, s;
	int rc;
	if (digest_of(obj, &d) < 0)
		return -1;
	if (H5Aexists(obj, DIGEST_ATTR) > 0) {
		a = H5Aopen(obj, DIGEST_ATTR, H5P_DEFAULT);
	} else {
		if ((s = H5Screate(H5S_SCALAR)) < 0)
			return -1;
		a = H5Acreate2(obj, DIGEST_ATTR, H5T_STD_U64LE, s, H5P_DEFAULT, H5P_DEFAULT);
		H5Sclose(s);
	}
	if (a < 0)
		return -1;
	rc = H5Awrite(a, H5T_NATIVE_UINT64, &d) < 0 ? -1 : 0;
	H5Aclose(a);
	return rc;
}

static herr_t seal_member(hid_t loc, const char *name, const H5L_info_t *info, void *arg)
{
	hid_t o;
	int rc = 0;
	(void)arg;
	if (name[0] == '.' || info->type != H5L_TYPE_HARD)
		return 0;
	if ((o = H5Oopen(loc, name, H5P_DEFAULT)) < 0)
		return -1;
	/* what has a digest was sealed when written and has not changed since:
	 * runs are written once, a table is replaced whole */
	if (H5Aexists(o, DIGEST_ATTR) <= 0) {
		if (H5Iget_type(o) == H5I_GROUP) {
			hsize_t idx = 0;
			rc = H5Literate(o, H5_INDEX_NAME, H5_ITER_INC, &idx, seal_member, NULL) < 0 ? -1 : 0;
		}
		if (!rc)
			rc = set_digest(o);
	}
	H5Oclose(o);
	return rc;
}

int an_h5_seal(hid_t obj)
{
	hsize_t idx = 0;
	if (H5Iget_type(obj) == H5I_GROUP &&
	    H5Literate(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, seal_member, NULL) < 0)
		return -1;
	return set_digest(obj);
}

/* The root's digest made anew (its attributes change as a sweep goes).
 * Its members were sealed by their writers (an_h5_seal) when written:
 * runs are written once, a table is replaced whole; so a commit costs the
 * same however many runs the file holds. */
static int seal(hid_t fid)
{
	hid_t root = H5Gopen2(fid, "/", H5P_DEFAULT);
	int rc;
	if (root < 0)
		return -1;
	rc = set_digest(root);
	H5Gclose(root);
	return rc;
}

int an_h5_check(hid_t obj, const char *path, const char *what, struct sim_err *err)
{
	uint64_t want, got;
	hid_t a;
	int rc;
	an_h5_quiet();
	if ((rc = H5Aexists(obj, DIGEST_ATTR)) == 0)
		return SIM_OK;   /* a file from before digests, or from another tool */
	if (rc < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: %s: its attributes cannot be read (the file is "
				"damaged: a checksum does not match)", path, what);
	if ((a = H5Aopen(obj, DIGEST_ATTR, H5P_DEFAULT)) < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: %s: its digest cannot be read (the file is "
				"damaged)", path, what);
	rc = H5Aread(a, H5T_NATIVE_UINT64, &want);
	H5Aclose(a);
	if (rc < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: %s: its digest cannot be read (the file is "
				"damaged)", path, what);
	if ((rc = digest_of(obj, &got)) == -2)
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	if (rc < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: %s: a value cannot be read (the file is damaged: "
				"a checksum does not match)", path, what);
	if (got != want)
		return sim_errf(err, SIM_ECORRUPT, "%s: %s does not match its digest (the file is "
				"damaged)", path, what);
	return SIM_OK;
}

struct check_ctx {
	const char *path, *what;
	struct sim_err *err;
	int rc;
};

static herr_t check_member(hid_t loc, const char *name, const H5L_info_t *info, void *arg)
{
	struct check_ctx *c = arg;
	char what[400];
	hid_t o;
	if (name[0] == '.' || info->type != H5L_TYPE_HARD)
		return 0;
	if ((o = H5Oopen(loc, name, H5P_DEFAULT)) < 0) {
		c->rc = sim_errf(c->err, SIM_ECORRUPT, "%s: %s: '%s' cannot be opened (the file is "
				 "damaged)", c->path, c->what, name);
		return -1;
	}
	snprintf(what, sizeof what, "%s: %s '%s'", c->what,
		 H5Iget_type(o) == H5I_DATASET ? "dataset" : "object", name);
	c->rc = an_h5_check(o, c->path, what, c->err);
	H5Oclose(o);
	return c->rc == SIM_OK ? 0 : -1;
}

int an_h5_check_group(hid_t g, const char *path, const char *what, struct sim_err *err)
{
	struct check_ctx c = { path, what, err, SIM_OK };
	hsize_t idx = 0;
	char attrs[400];
	snprintf(attrs, sizeof attrs, "%s (its attributes and the names of its datasets)", what);
	if ((c.rc = an_h5_check(g, path, attrs, err)) != SIM_OK)
		return c.rc;
	if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, check_member, &c) < 0 && c.rc == SIM_OK)
		return sim_errf(err, SIM_ECORRUPT, "%s: %s: cannot list its datasets (the file is damaged)",
				path, what);
	return c.rc;
}

/* HDF5 checksums its other metadata but not a global heap collection (where
 * variable-length strings live), and trusts the object sizes in it: a
 * flipped bit there can make H5Aread copy past the collection (a crash).
 * So each collection is walked here as HDF5 will walk it (File Format
 * Specification, III.E): 16-byte objects headers (index, references,
 * reserved, size) whose data, padded to 8 bytes, must end inside the
 * collection, and the last object (free space, index 0) exactly at its end. */
static int check_collection(const uint8_t *img, size_t n, size_t at, unsigned lsize)
{
	uint64_t size = 0, p, end;
	for (unsigned i = 0; i < lsize; i++)
		size |= (uint64_t)img[at + 8 + i] << (8 * i);
	if (size < 8 + lsize || size > n - at)
		return -1;
	end = at + size;
	p = at + 8 + lsize;
	while (p < end) {
		uint64_t osize = 0, need;
		unsigned idx;
		if (end - p < 8 + lsize)
			return 0;   /* too small for a header: free space */
		idx = img[p] | (unsigned)img[p + 1] << 8;
		for (unsigned i = 0; i < lsize; i++)
			osize |= (uint64_t)img[p + 8 + i] << (8 * i);
		if (idx == 0)
			need = osize;
		else if (osize > end - p)
			return -1;
		else
			need = 8 + lsize + ((osize + 7) & ~(uint64_t)7);
		if (need == 0 || need > end - p)
			return -1;
		p += need;
	}
	return p == end ? 0 : -1;
}

int an_h5_check_heaps(const char *path, struct sim_err *err)
{
	FILE *f = fopen(path, "rb");
	uint8_t *img = NULL;
	size_t n = 0, cap = 0, k, base = (size_t)-1;
	unsigned lsize = 8;
	int rc = SIM_OK;
	if (!f)
		return SIM_OK;   /* the open that follows says why */
	for (;;) {
		if (n == cap) {
			uint8_t *m = sim_realloc(img, cap = cap ? 2 * cap : 1 << 16);
			if (!m) {
				rc = sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
				goto out;
			}
			img = m;
		}
		if ((k = fread(img + n, 1, cap - n, f)) == 0)
			break;
		n += k;
	}
	if (ferror(f)) {
		rc = sim_errf(err, SIM_EIO, "%s: read error", path);
		goto out;
	}
	/* the superblock: at 0, or after a user block of 512, 1024, ... bytes */
	for (size_t b = 0; b + 16 <= n; b = b ? 2 * b : 512)
		if (!memcmp(img + b, "\211HDF\r\n\032\n", 8)) {
			base = b;
			break;
		}
	if (base == (size_t)-1)
		goto out;   /* not HDF5: the open that follows says so */
	lsize = img[base + 8] >= 2 ? img[base + 10] : (base + 15 <= n ? img[base + 14] : 8);
	if (lsize != 2 && lsize != 4 && lsize != 8)
		goto out;   /* HDF5 will refuse such a superblock itself */
	for (size_t at = base; at + 8 + lsize <= n; at++)
		if (img[at] == 'G' && !memcmp(img + at, "GCOL\1\0\0\0", 8) &&
		    check_collection(img, n, at, lsize) < 0) {
			rc = sim_errf(err, SIM_ECORRUPT, "%s: byte %zu: the heap of its strings is "
				      "damaged", path, at);
			break;
		}
out:
	sim_free(img);
	fclose(f);
	return rc;
}

int an_h5_check_root(hid_t fid, const char *path, struct sim_err *err)
{
	hid_t root = H5Gopen2(fid, "/", H5P_DEFAULT);
	int rc;
	if (root < 0)
		return sim_errf(err, SIM_ECORRUPT, "%s: cannot open its root group (the file is damaged)",
				path);
	rc = an_h5_check(root, path, "the file's attributes", err);
	H5Gclose(root);
	return rc;
}

int an_h5_write_image(hid_t fid, const char *path, struct sim_err *err)
{
	ssize_t n;
	void *img = NULL;
	int rc;

	if (seal(fid) < 0)
		return sim_errf(err, SIM_EIO, "%s: HDF5 could not write the digests (out of memory?)", path);
	if (H5Fflush(fid, H5F_SCOPE_GLOBAL) < 0 || (n = H5Fget_file_image(fid, NULL, 0)) <= 0)
		return sim_errf(err, SIM_EIO, "%s: HDF5 could not finish the file in memory", path);
	if (!(img = sim_malloc((size_t)n)))
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	if (H5Fget_file_image(fid, img, (size_t)n) != n) {
		sim_free(img);
		return sim_errf(err, SIM_EIO, "%s: HDF5 could not finish the file in memory", path);
	}
	fix_superblock(img, (size_t)n);
	rc = sim_out_write_file(path, img, (size_t)n, err);
	sim_free(img);
	return rc;
}

int an_h5_commit(hid_t fid, const char *path, struct sim_err *err)
{
	int rc = an_h5_write_image(fid, path, err);
	if (H5Fclose(fid) < 0 && rc == SIM_OK)
		rc = sim_errf(err, SIM_EIO, "%s: HDF5 could not close the file in memory", path);
	return rc;
}
