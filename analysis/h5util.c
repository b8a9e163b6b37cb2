#include "analysis/h5util.h"

#include <stdint.h>
#include <string.h>

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

int an_h5_commit(hid_t fid, const char *path, struct sim_err *err)
{
	ssize_t n;
	void *img = NULL;
	int rc;

	if (H5Fflush(fid, H5F_SCOPE_GLOBAL) < 0 || (n = H5Fget_file_image(fid, NULL, 0)) <= 0) {
		H5Fclose(fid);
		return sim_errf(err, SIM_EIO, "%s: HDF5 could not finish the file in memory", path);
	}
	if (!(img = sim_malloc((size_t)n))) {
		H5Fclose(fid);
		return sim_errf(err, SIM_ENOMEM, "%s: out of memory", path);
	}
	if (H5Fget_file_image(fid, img, (size_t)n) != n) {
		H5Fclose(fid);
		sim_free(img);
		return sim_errf(err, SIM_EIO, "%s: HDF5 could not finish the file in memory", path);
	}
	if (H5Fclose(fid) < 0) {
		sim_free(img);
		return sim_errf(err, SIM_EIO, "%s: HDF5 could not close the file in memory", path);
	}
	fix_superblock(img, (size_t)n);
	rc = sim_out_write_file(path, img, (size_t)n, err);
	sim_free(img);
	return rc;
}
