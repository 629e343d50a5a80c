/*
 * A config from a YAML file, read with libyaml's event parser. The file is a mapping of
 * groups, each a mapping of keys to one value (a list for limits.allowed_symbols); `dry_run:
 * true` and `group.key: value` may also stand at the top. Instruments nest one level more:
 * `instrument: {SYMBOL: {field: value}}` is `instrument.SYMBOL: {field: value}`. Each setting
 * then takes the INI loader's own path (paper__config_apply(): the same keys, ranges, safety
 * checks and messages), and each problem is recorded with its line.
 *
 * The whole file is read before anything is applied, so a file that is not YAML or not of
 * this shape changes nothing (PAPER_EFORMAT). Anchors, aliases and tags are refused: a config
 * has no use for them, and aliases are what lets a small file stand for a huge one (the
 * "billion laughs"); without them the work and the memory are bounded by the file's size,
 * which the caller caps.
 */
#include "config/config_yaml.h"

#include <stdarg.h>
#include <string.h>
#include <yaml.h>

#include "base/error.h"
#include "base/text.h"
#include "config/config_load.h"

/* A setting as read, applied once the whole file parsed; or a problem found in its shape. */
typedef struct item {
	char *name;   /* group.key, a top-level name, or [group] */
	char *value;
	size_t line;
	int code;     /* PAPER_OK: apply it; else record it with reason */
	char *reason;
	bool group;   /* a mapping under a name that is not a group: refused as one */
} item;

typedef struct reader {
	yaml_parser_t p;
	const char *path;
	GArray *items;     /* item */
	GHashTable *lines; /* name given -> its first line */
} reader;

/* Keys whose value is a list: given as a YAML sequence, stored comma-separated. */
static bool list_key(const char *name)
{
	return strcmp(name, "limits.allowed_symbols") == 0;
}

static size_t line_of(const yaml_event_t *ev)
{
	return ev->start_mark.line + 1;
}

static int shape_error(const reader *r, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int shape_error(const reader *r, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	int rc = paper__error(PAPER_EFORMAT, "config file '%s', line %zu: %s (nothing was applied)",
			      r->path, line, why);
	g_free(why);
	return rc;
}

/* The next event: a syntax error, an anchor, an alias or a tag ends the reading. */
static int next(reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->p, ev))
		return paper__error(PAPER_EFORMAT, "config file '%s' is not YAML: %s at line %zu, "
				    "column %zu (nothing was applied)", r->path,
				    r->p.problem ? r->p.problem : "a syntax error",
				    r->p.problem_mark.line + 1, r->p.problem_mark.column + 1);
	const yaml_char_t *anchor = NULL, *tag = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		size_t line = line_of(ev);
		yaml_event_delete(ev);
		return shape_error(r, line, "aliases (*name) are not read in a config");
	}
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor == NULL && tag == NULL)
		return PAPER_OK;
	size_t line = line_of(ev);
	yaml_event_delete(ev);
	return anchor ? shape_error(r, line, "anchors (&name) are not read in a config")
		      : shape_error(r, line, "tags (!name) are not read in a config");
}

static void add(reader *r, const char *name, const char *value, size_t line, int code,
		const char *reason)
{
	item it = { g_strdup(name), g_strdup(value), line, code, g_strdup(reason), false };
	g_array_append_val(r->items, it);
}

/* Record a problem with a name's value instead of applying it. */
static void refuse(reader *r, const char *name, size_t line, const char *reason)
{
	add(r, name, "", line, PAPER_ECONFIG, reason);
}

/* False (and a violation naming the value given again, NULL: none) when name was given before. */
static bool first_time(reader *r, const char *name, size_t line, const char *value)
{
	gpointer before = g_hash_table_lookup(r->lines, name);
	if (before == NULL) {
		g_hash_table_insert(r->lines, g_strdup(name), GSIZE_TO_POINTER(line));
		return true;
	}
	char *why = g_strdup_printf("given twice (first at line %zu): give it once",
				    GPOINTER_TO_SIZE(before));
	add(r, name, value ? value : "", line, PAPER_ECONFIG, why);
	g_free(why);
	return false;
}

/* A scalar's text: YAML's null (empty, ~, null) is the empty value, as `key =` in INI. */
static const char *scalar_text(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (plain && (strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
		      strcmp(v, "NULL") == 0))
		return "";
	return v;
}

static bool has_nul(const yaml_event_t *ev)
{
	return strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length;
}

/*
 * Skip the rest of a node whose start event was read (its anchors and aliases still refused).
 * A config's values nest two levels at most; deeper nesting is refused at SKIP_DEPTH, before
 * libyaml's scanner, which looks at every open level for each token, gets slow (1 MiB of '['
 * would take it hours).
 */
#define SKIP_DEPTH 16

static int skip(reader *r)
{
	int depth = 1, rc = PAPER_OK;
	while (depth > 0 && rc == PAPER_OK) {
		yaml_event_t ev;
		if ((rc = next(r, &ev)) != PAPER_OK)
			break;
		if ((ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) &&
		    depth == SKIP_DEPTH)
			rc = shape_error(r, line_of(&ev), "nested deeper than %d levels: not a config",
					 SKIP_DEPTH);
		else if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		else if (ev.type != YAML_SCALAR_EVENT)
			rc = shape_error(r, line_of(&ev), "the file ends inside a value");
		yaml_event_delete(&ev);
	}
	return rc;
}

/* A list value (the sequence start was read): its items joined with commas. */
static int list_value(reader *r, const char *name, size_t line)
{
	GString *joined = g_string_new(NULL);
	const char *problem = NULL;
	int rc;
	for (;;) {
		yaml_event_t ev;
		if ((rc = next(r, &ev)) != PAPER_OK)
			break;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			problem = "a list of this setting holds plain values only";
			yaml_event_delete(&ev);
			rc = skip(r);
			if (rc != PAPER_OK)
				break;
			continue;
		}
		const char *v = scalar_text(&ev);
		if (has_nul(&ev))
			problem = "holds a NUL character";
		else if (strchr(v, ',') != NULL)
			problem = "an item of the list holds a comma: give one symbol per item";
		g_string_append_printf(joined, "%s%s", joined->len ? "," : "", v);
		yaml_event_delete(&ev);
	}
	if (rc == PAPER_OK && first_time(r, name, line, joined->str))
		add(r, name, joined->str, line, problem ? PAPER_ECONFIG : PAPER_OK, problem);
	g_string_free(joined, TRUE);
	return rc;
}

/* The value of name (its first event read): one setting, a list, or a problem. */
static int setting(reader *r, const char *name, yaml_event_t *ev)
{
	size_t line = line_of(ev);
	if (ev->type == YAML_SCALAR_EVENT) {
		if (has_nul(ev))
			refuse(r, name, line, "holds a NUL character");
		else if (first_time(r, name, line, scalar_text(ev)))
			add(r, name, scalar_text(ev), line, PAPER_OK, NULL);
		return PAPER_OK;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT && list_key(name))
		return list_value(r, name, line);
	refuse(r, name, line, ev->type == YAML_SEQUENCE_START_EVENT
				      ? "is not a list setting: give one value"
				      : "a setting's value is one value, not a mapping");
	return skip(r);
}

/* A mapping key: a plain name (a list or a mapping as a key ends the reading). */
static int key_text(reader *r, yaml_event_t *ev, char **out)
{
	if (ev->type != YAML_SCALAR_EVENT)
		return shape_error(r, line_of(ev), "a key must be a name, not a list or a mapping");
	if (has_nul(ev))
		return shape_error(r, line_of(ev), "a key holds a NUL character");
	*out = g_strdup((const char *)ev->data.scalar.value);
	return PAPER_OK;
}

/* Called with each key of a mapping and the first event of its value (deleted after). */
typedef int (*pair_fn)(reader *r, const char *key, yaml_event_t *value, const void *ctx);

/* Each key and value of a mapping whose start was read, to its end. */
static int each_pair(reader *r, pair_fn fn, const void *ctx)
{
	int rc;
	for (;;) {
		yaml_event_t kev, vev;
		char *key = NULL;
		if ((rc = next(r, &kev)) != PAPER_OK)
			return rc;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			return PAPER_OK;
		}
		rc = key_text(r, &kev, &key);
		yaml_event_delete(&kev);
		if (rc == PAPER_OK && (rc = next(r, &vev)) == PAPER_OK) {
			rc = fn(r, key, &vev, ctx);
			yaml_event_delete(&vev);
		}
		g_free(key);
		if (rc != PAPER_OK)
			return rc;
	}
}

static int group_key(reader *r, const char *key, yaml_event_t *value, const void *group)
{
	char *name = g_strdup_printf("%s.%s", (const char *)group, key);
	int rc = setting(r, name, value);
	g_free(name);
	return rc;
}

/* The keys of one group (its mapping start was read). */
static int group_keys(reader *r, const char *group)
{
	return each_pair(r, group_key, group);
}

/* `SYMBOL: {field: value}` or `SYMBOL.field: value` under `instrument:`: what
 * `instrument.SYMBOL:` and `instrument.SYMBOL.field:` at the top say. */
static int instrument_symbol(reader *r, const char *key, yaml_event_t *value, const void *ctx)
{
	(void)ctx;
	char *name = g_strdup_printf("instrument.%s", key);
	size_t line = line_of(value);
	int rc = PAPER_OK;
	if (value->type == YAML_MAPPING_START_EVENT) {
		char *shown = g_strdup_printf("[%s]", name);
		bool once = first_time(r, shown, line, NULL);
		g_free(shown);
		rc = once ? group_keys(r, name) : skip(r);
	} else if (value->type == YAML_SCALAR_EVENT && !paper__config_is_instrument_key(name)) {
		add(r, name, scalar_text(value), line, PAPER_ECONFIG,
		    "a symbol: give its contract's fields as a mapping under it");
	} else {
		rc = setting(r, name, value);
	}
	g_free(name);
	return rc;
}

/* The symbols under `instrument:` (its mapping start was read). */
static int instrument_symbols(reader *r)
{
	return each_pair(r, instrument_symbol, NULL);
}

/* A top-level entry: a group, `dry_run: true`, or a `group.key: value`. `instrument:` is the
 * group of the [instrument.SYMBOL] sections; `instrument.SYMBOL.field: value` is a key, not
 * the section of a symbol ending in ".field" (docs/config.md). */
static int top_entry(reader *r, const char *name, yaml_event_t *ev)
{
	size_t line = line_of(ev);
	bool instruments = strcmp(name, "instrument") == 0;
	bool group = instruments || paper__config_group_exact(name);
	if (group && ev->type == YAML_SCALAR_EVENT && paper__config_is_instrument_key(name))
		return setting(r, name, ev);
	if (ev->type == YAML_MAPPING_START_EVENT) {
		char *shown = g_strdup_printf("[%s]", name);
		bool once = first_time(r, shown, line, NULL);
		g_free(shown);
		if (instruments && once)
			return instrument_symbols(r);
		if (group && once)
			return group_keys(r, name);
		if (!group) {
			add(r, name, "", line, PAPER_ECONFIG, NULL);
			g_array_index(r->items, item, r->items->len - 1).group = true;
		}
		return skip(r);
	}
	if (group && ev->type == YAML_SCALAR_EVENT && *scalar_text(ev) == '\0')
		return PAPER_OK; /* `limits:` with nothing under it: an empty group */
	if (group) {
		add(r, name, ev->type == YAML_SCALAR_EVENT ? scalar_text(ev) : "", line, PAPER_ECONFIG,
		    "a group: give its keys as a mapping under it");
		return ev->type == YAML_SCALAR_EVENT ? PAPER_OK : skip(r);
	}
	return setting(r, name, ev);
}

static int top_pair(reader *r, const char *key, yaml_event_t *value, const void *ctx)
{
	(void)ctx;
	return top_entry(r, key, value);
}

static int top_mapping(reader *r)
{
	return each_pair(r, top_pair, NULL);
}

/* The document's root: a mapping, or nothing at all (an empty file is an empty config). */
static int document(reader *r)
{
	yaml_event_t ev;
	int rc = next(r, &ev);
	if (rc != PAPER_OK)
		return rc;
	if (ev.type == YAML_MAPPING_START_EVENT)
		rc = top_mapping(r);
	else if (ev.type != YAML_SCALAR_EVENT || *scalar_text(&ev) != '\0')
		rc = shape_error(r, line_of(&ev), "a config is a mapping of groups (account:, "
				 "limits:, ...), each a mapping of keys");
	yaml_event_delete(&ev);
	if (rc == PAPER_OK && (rc = next(r, &ev)) == PAPER_OK)
		yaml_event_delete(&ev); /* the document's end */
	return rc;
}

static int read_all(reader *r)
{
	yaml_event_t ev;
	int rc = next(r, &ev); /* the stream's start */
	if (rc != PAPER_OK)
		return rc;
	yaml_event_delete(&ev);
	for (int docs = 0;; docs++) {
		if ((rc = next(r, &ev)) != PAPER_OK)
			return rc;
		yaml_event_type_t type = ev.type;
		size_t line = line_of(&ev);
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			return PAPER_OK;
		if (docs > 0)
			return shape_error(r, line, "a config is one YAML document, not several");
		if ((rc = document(r)) != PAPER_OK)
			return rc;
	}
}

/* Apply what was read, in the file's order, each problem with its line. */
static void apply(paper_config *cfg, const reader *r)
{
	for (guint i = 0; i < r->items->len; i++) {
		const item *it = &g_array_index(r->items, item, i);
		guint before = cfg->pending->len;
		if (it->group)
			paper__config_refuse_group(cfg, it->name);
		else if (it->code == PAPER_OK)
			paper__config_apply(cfg, it->name, it->value);
		else
			paper__config_add_pending(cfg, it->code, it->name, it->value, it->reason);
		for (guint v = before; v < cfg->pending->len; v++) {
			cfg_violation *x = cfg->pending->pdata[v];
			char *reason = g_strdup_printf("%s (line %zu)", x->reason, it->line);
			g_free(x->reason);
			x->reason = reason;
		}
	}
}

static void item_clear(gpointer p)
{
	item *it = p;
	g_free(it->name);
	g_free(it->value);
	g_free(it->reason);
}

int paper__config_load_yaml(paper_config *cfg, const char *path, const char *data, size_t len)
{
	reader r = { .path = path };
	if (!yaml_parser_initialize(&r.p))
		return paper__error(PAPER_ENOMEM, "config file '%s': cannot start the YAML parser", path);
	/* The caller checked the text is UTF-8; libyaml then reads it as such, a BOM skipped. */
	yaml_parser_set_input_string(&r.p, (const unsigned char *)data, len);
	r.items = g_array_new(FALSE, FALSE, sizeof(item));
	g_array_set_clear_func(r.items, item_clear);
	r.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int rc = read_all(&r);
	yaml_parser_delete(&r.p);
	if (rc == PAPER_OK) {
		guint before = cfg->pending->len;
		apply(cfg, &r);
		char *src = g_strdup_printf("config file '%s'", path);
		rc = paper__config_summarize(cfg, before, src);
		g_free(src);
	}
	g_array_free(r.items, TRUE);
	g_hash_table_unref(r.lines);
	return rc;
}

/* ---- which loader ---- */

static bool has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);
	return n > m && g_ascii_strcasecmp(path + n - m, suffix) == 0;
}

/* The first line that is neither blank nor a comment, as [start, end). */
static const char *first_line(const char *data, size_t len, const char **end)
{
	const char *p = data, *stop = data + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < stop) {
		const char *e = memchr(p, '\n', (size_t)(stop - p));
		e = e ? e : stop;
		const char *q = p;
		while (q < e && g_ascii_isspace(*q))
			q++;
		if (q < e && *q != '#') {
			*end = e;
			return q;
		}
		p = e < stop ? e + 1 : stop;
	}
	*end = stop;
	return NULL;
}

bool paper__config_is_yaml(const char *path, const char *data, size_t len)
{
	if (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))
		return true;
	if (has_suffix(path, ".ini"))
		return false;
	const char *end = NULL, *line = first_line(data, len, &end);
	if (line == NULL || *line == '[')
		return false;
	if (*line == '{' || *line == '%' || (end - line >= 3 && memcmp(line, "---", 3) == 0))
		return true;
	const char *colon = memchr(line, ':', (size_t)(end - line));
	const char *eq = memchr(line, '=', (size_t)(end - line));
	return colon && colon > line && (eq == NULL || colon < eq);
}
