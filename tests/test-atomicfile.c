/*
 * White-box: base/atomicfile.c, how the library writes every output file. An existing file is
 * replaced only by a complete new one, keeps its mode, and survives any failure untouched; a
 * link planted at the path or beside it never redirects the write; what is not a regular file
 * (/dev/null) is written directly; nothing of ours is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/atomicfile.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = g_dir_make_tmp("paper-atomic-XXXXXX", NULL);
	ck_assert_ptr_nonnull(dir);
}

static void rm_tree(const char *d)
{
	GDir *g = g_dir_open(d, 0, NULL);
	const char *name;
	while (g && (name = g_dir_read_name(g)) != NULL) {
		char *p = g_build_filename(d, name, NULL);
		g_unlink(p);
		g_free(p);
	}
	if (g)
		g_dir_close(g);
	g_rmdir(d);
}

static void teardown(void)
{
	rm_tree(dir);
	g_free(dir);
}

static char *in_dir(const char *name)
{
	return g_build_filename(dir, name, NULL);
}

static void put(const char *path, const char *text, mode_t mode)
{
	ck_assert(g_file_set_contents(path, text, -1, NULL));
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void assert_content(const char *path, const char *want)
{
	char *got = NULL;
	ck_assert_msg(g_file_get_contents(path, &got, NULL, NULL), "cannot read %s", path);
	ck_assert_str_eq(got, want);
	g_free(got);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder holds exactly these names (sorted, comma-separated): no temporary file left. */
static void assert_only(const char *want)
{
	GDir *g = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new();
	const char *name;
	while ((name = g_dir_read_name(g)) != NULL)
		g_ptr_array_add(names, (gpointer)name);
	g_ptr_array_sort(names, cmp_names);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", (char *)g_ptr_array_index(names, i));
	ck_assert_str_eq(s->str, want);
	g_string_free(s, TRUE);
	g_ptr_array_unref(names);
	g_dir_close(g);
}

START_TEST(new_file_gets_the_umask_mode)
{
	char *p = in_dir("out.csv");
	mode_t old = umask(027);
	ck_ok(paper__atomic_write(p, "a,b\n", 4));
	umask(old);
	assert_content(p, "a,b\n");
	ck_assert_int_eq(mode_of(p), 0640);
	assert_only("out.csv");
	g_free(p);
}
END_TEST

START_TEST(replace_keeps_the_mode)
{
	const mode_t modes[] = { 0600, 0640, 0604, 0664, 0444 };
	char *p = in_dir("out.csv");
	for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
		put(p, "old\n", modes[i]);
		ck_ok(paper__atomic_write(p, "new\n", 4));
		assert_content(p, "new\n");
		ck_assert_msg(mode_of(p) == modes[i], "mode 0%o became 0%o", (unsigned)modes[i],
			      (unsigned)mode_of(p));
		g_unlink(p);
	}
	assert_only("");
	g_free(p);
}
END_TEST

START_TEST(old_file_untouched_until_commit_and_after_abort)
{
	char *p = in_dir("trades.csv");
	put(p, "old rows\n", 0600);
	atomic_file *a = NULL;
	ck_ok(paper__atomic_open(&a, p));
	fputs("half of the new rows", paper__atomic_stream(a));
	fflush(paper__atomic_stream(a));
	assert_content(p, "old rows\n"); /* not truncated at the start */
	paper__atomic_abort(a);
	assert_content(p, "old rows\n"); /* nor removed on failure */
	ck_assert_int_eq(mode_of(p), 0600);
	assert_only("trades.csv");
	paper__atomic_abort(NULL);
	g_free(p);
}
END_TEST

/* In a child, whose file size limit is small: the new file cannot be written whole. */
static int write_past_limit(const char *path)
{
	struct rlimit lim = { 4096, 4096 };
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
		return 10;
	GString *big = g_string_new(NULL);
	for (int i = 0; i < 2000; i++)
		g_string_append(big, "a long enough row of a trades file\n");
	int rc = paper__atomic_write(path, big->str, big->len);
	g_string_free(big, TRUE);
	return rc == PAPER_EIO ? 0 : 11;
}

START_TEST(failed_write_leaves_old_file_and_no_temporary)
{
	char *p = in_dir("summary.json");
	put(p, "{\"old\": true}\n", 0640);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(write_past_limit(p));
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: 0x%x", status);
	assert_content(p, "{\"old\": true}\n");
	ck_assert_int_eq(mode_of(p), 0640);
	assert_only("summary.json");
	g_free(p);
}
END_TEST

START_TEST(links_at_the_path_are_refused)
{
	char *p = in_dir("out.csv"), *victim = in_dir("victim"), *d = in_dir("sub");
	put(victim, "precious\n", 0644);
	ck_assert_int_eq(symlink(victim, p), 0);
	ck_assert_int_eq(paper__atomic_write(p, "x\n", 2), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "symbolic link"));
	assert_content(victim, "precious\n");
	ck_assert(g_file_test(p, G_FILE_TEST_IS_SYMLINK));
	/* Dangling: writing would create a file wherever the link says. */
	g_unlink(p);
	ck_assert_int_eq(symlink("/nonexistent/x", p), 0);
	ck_assert_int_eq(paper__atomic_write(p, "x\n", 2), PAPER_EIO);
	/* To a folder, and a folder itself. */
	ck_assert_int_eq(g_mkdir(d, 0755), 0);
	g_unlink(p);
	ck_assert_int_eq(symlink(d, p), 0);
	ck_assert_int_eq(paper__atomic_write(p, "x\n", 2), PAPER_EIO);
	ck_assert_int_eq(paper__atomic_write(d, "x\n", 2), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "directory"));
	g_rmdir(d);
	g_unlink(p);
	assert_only("victim");
	g_free(p);
	g_free(victim);
	g_free(d);
}
END_TEST

START_TEST(links_planted_beside_the_path_are_not_followed)
{
	char *p = in_dir("orders.csv"), *victim = in_dir("victim");
	put(victim, "precious\n", 0644);
	/* The names a writer might have used for its temporary file. */
	const char *planted[] = { "orders.csv.tmp", ".orders.csv.tmp", "orders.csv~",
				  ".orders.csv.XXXXXX" };
	for (size_t i = 0; i < G_N_ELEMENTS(planted); i++) {
		char *link = in_dir(planted[i]);
		ck_assert_int_eq(symlink(victim, link), 0);
		g_free(link);
	}
	for (int i = 0; i < 20; i++)
		ck_ok(paper__atomic_write(p, "id\n1\n", 5));
	assert_content(p, "id\n1\n");
	assert_content(victim, "precious\n");
	assert_only(".orders.csv.XXXXXX,.orders.csv.tmp,orders.csv,orders.csv.tmp,orders.csv~,"
		    "victim");
	g_free(p);
	g_free(victim);
}
END_TEST

START_TEST(devices_are_written_directly)
{
	ck_ok(paper__atomic_write("/dev/null", "x\n", 2));
	char *p = in_dir("null-link");
	ck_assert_int_eq(symlink("/dev/null", p), 0);
	ck_ok(paper__atomic_write(p, "x\n", 2));
	ck_assert(g_file_test(p, G_FILE_TEST_IS_SYMLINK));
	assert_only("null-link");
	g_free(p);
}
END_TEST

START_TEST(missing_folder_is_an_error)
{
	char *p = in_dir("no/such/folder.csv");
	ck_assert_int_eq(paper__atomic_write(p, "x", 1), PAPER_EIO);
	ck_assert_ptr_nonnull(strstr(paper_last_error(), "folder.csv"));
	ck_assert_int_eq(paper__atomic_write("", "x", 1), PAPER_EINVAL);
	g_free(p);
}
END_TEST

static Suite *atomic_suite(void)
{
	Suite *s = suite_create("atomicfile");
	TCase *tc = tcase_create("replace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_file_gets_the_umask_mode);
	tcase_add_test(tc, replace_keeps_the_mode);
	tcase_add_test(tc, old_file_untouched_until_commit_and_after_abort);
	tcase_add_test(tc, failed_write_leaves_old_file_and_no_temporary);
	tcase_add_test(tc, links_at_the_path_are_refused);
	tcase_add_test(tc, links_planted_beside_the_path_are_not_followed);
	tcase_add_test(tc, devices_are_written_directly);
	tcase_add_test(tc, missing_folder_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(atomic_suite());
}
