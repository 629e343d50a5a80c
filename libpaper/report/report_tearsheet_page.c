/* The tear sheet as a page of its own, from any metrics report (paperlib.tearsheet()). */
#include <paper/report.h>

#include <glib.h>

#include "base/error.h"
#include "metrics/metrics.h"
#include "report/report.h"

PAPER_API int paper_report_tearsheet_html(char **out, size_t *len_out, const paper_metrics *m,
					  const char *title)
{
	PAPER__CHECK_NULL(out, "out");
	PAPER__CHECK_NULL(m, "metrics");
	GString *s = g_string_sized_new(65536);
	const char *t = title ? title : "Tear sheet";
	paper_ts as_of = m->n_points ? m->ts[m->n_points - 1] : 0;

	paper__report_head(s, t, 0, as_of);
	paper__report_tearsheet(s, m);
	paper__report_footer(s);
	if (len_out)
		*len_out = s->len;
	*out = g_string_free(s, FALSE);
	return PAPER_OK;
}
