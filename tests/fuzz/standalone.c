/*
 * A main() for the fuzz targets in builds without libFuzzer (gcc, or clang without the fuzz
 * option): runs LLVMFuzzerTestOneInput() once on each file given, or on each file of each
 * folder given (in name order), the way libFuzzer replays a corpus. Each input is copied into
 * a buffer of exactly its size, so a read past its end is caught by AddressSanitizer.
 * Fails when it finds no input at all (a corpus folder that moved must not pass silently).
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static gint cmp_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *arg, GPtrArray *files)
{
	if (!g_file_test(arg, G_FILE_TEST_IS_DIR)) {
		g_ptr_array_add(files, g_strdup(arg));
		return;
	}
	GError *err = NULL;
	GDir *d = g_dir_open(arg, 0, &err);
	if (d == NULL) {
		fprintf(stderr, "%s\n", err->message);
		exit(2);
	}
	GPtrArray *here = g_ptr_array_new();
	for (const char *n; (n = g_dir_read_name(d));)
		if (n[0] != '.')
			g_ptr_array_add(here, g_build_filename(arg, n, NULL));
	g_dir_close(d);
	g_ptr_array_sort(here, cmp_paths);
	for (guint i = 0; i < here->len; i++)
		g_ptr_array_add(files, here->pdata[i]);
	g_ptr_array_free(here, TRUE);
}

static void run_one(const char *path)
{
	char *text = NULL;
	gsize len = 0;
	GError *err = NULL;
	if (!g_file_get_contents(path, &text, &len, &err)) {
		fprintf(stderr, "%s\n", err->message);
		exit(2);
	}
	/* Exactly len bytes, so AddressSanitizer sees a read one past the end. */
	uint8_t *data = malloc(len ? len : 1);
	memcpy(data, text, len);
	g_free(text);
	fprintf(stderr, "input %s (%zu bytes)\n", path, (size_t)len);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
}

int main(int argc, char **argv)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	for (int i = 1; i < argc; i++)
		collect(argv[i], files);
	if (files->len == 0) {
		fprintf(stderr, "usage: %s FILE|FOLDER...: no input found\n", argv[0]);
		return 2;
	}
	for (guint i = 0; i < files->len; i++)
		run_one(files->pdata[i]);
	printf("%u inputs replayed\n", files->len);
	g_ptr_array_unref(files);
	return 0;
}
