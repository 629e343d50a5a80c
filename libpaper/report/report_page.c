/*
 * The page around the dashboard and the tear sheet: the style sheet, the head and the foot,
 * the small script that sorts and pages long tables, and how numbers are written for people.
 */
#include <math.h>
#include <string.h>

#include "report/report.h"

const char paper__report_css[] =
	":root{--bg:#f5f6f8;--card:#fff;--ink:#1d2330;--mute:#667085;--line:#e3e6ec;"
	"--up:#0f8a4b;--down:#c2362c;--accent:#2456c7}"
	"*{box-sizing:border-box}"
	"body{margin:0;background:var(--bg);color:var(--ink);"
	"font:14px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
	"header{background:#1d2330;color:#fff;padding:14px 24px;display:flex;flex-wrap:wrap;"
	"gap:8px 16px;align-items:baseline;justify-content:space-between}"
	"header h1{font-size:18px;margin:0;font-weight:600}"
	".badge{background:#f2b705;color:#1d2330;font-weight:700;font-size:12px;padding:2px 8px;"
	"border-radius:4px;letter-spacing:.05em}"
	".meta{color:#c5cbd6;font-size:12px}"
	"main{max-width:1280px;margin:0 auto;padding:16px 24px 40px}"
	".kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(125px,1fr));gap:12px}"
	/* Labels may wrap to two lines; the values still line up along the bottom of the row. */
	".kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;"
	"display:flex;flex-direction:column}"
	".kpi .label{color:var(--mute);font-size:11px;line-height:1.3;text-transform:uppercase;"
	"letter-spacing:.04em}"
	".kpi .value{font-size:20px;font-weight:600;margin-top:auto;padding-top:6px;"
	"font-variant-numeric:tabular-nums;white-space:nowrap}"
	".up{color:var(--up)}.down{color:var(--down)}"
	"section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:14px 16px;margin-top:16px}"
	"section h2{font-size:15px;margin:0 0 10px}"
	".grid2{display:grid;grid-template-columns:2fr 1fr;gap:16px}"
	".grid2 section{margin-top:16px}"
	"@media (max-width:800px){.grid2{grid-template-columns:1fr}main{padding:12px}"
	"header{padding:12px}.kpi .value{font-size:18px}}"
	"@media (max-width:560px){.kpis{grid-template-columns:1fr 1fr}"
	".kpi:last-child:nth-child(odd){grid-column:1/-1}}"
	"svg{width:100%;height:auto;display:block}"
	/* Chart labels are in SVG units, which shrink with the chart: larger on narrow screens
	 * keeps them near 11-13 px on the screen. The white halo keeps them legible over lines. */
	".chart .lab{font-size:13px;fill:#667085;paint-order:stroke;stroke:#fff;stroke-width:3px;"
	"stroke-linejoin:round}"
	"@media (max-width:800px){.chart .lab{font-size:15px}}"
	"@media (max-width:600px){.chart .lab{font-size:20px}}"
	"@media (max-width:480px){.chart .lab{font-size:26px}}"
	".facts{display:grid;grid-template-columns:1fr auto;gap:6px 12px;margin:16px 0 0;"
	"padding-top:12px;border-top:1px solid var(--line);font-variant-numeric:tabular-nums}"
	".facts dt{color:var(--mute)}.facts dd{margin:0;text-align:right;font-weight:600}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}"
	"th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}"
	"th{color:var(--mute);font-weight:600;font-size:12px;text-transform:uppercase}"
	"th:first-child,td:first-child,th.t,td.t{text-align:left}"
	".empty{color:var(--mute);padding:8px 0}"
	".check{list-style:none;padding:0;margin:0}"
	".check li{padding:6px 0;border-bottom:1px solid var(--line);display:flex;gap:10px}"
	".pass::before{content:'PASS';color:var(--up);font-weight:700;width:40px}"
	".fail::before{content:'FAIL';color:var(--down);font-weight:700;width:40px}"
	".verdict{font-weight:700;margin-top:8px}"
	"footer{color:var(--mute);font-size:12px;text-align:center;margin-top:24px}"
	/* The tear sheet: a grid of charts, a table of figures, the trade table's controls. */
	".grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(340px,100%),1fr));"
	"gap:0 16px}.grid3>*{min-width:0}"
	"@media (max-width:420px){.grid3{grid-template-columns:1fr}}"
	".note{color:var(--mute);font-size:12px;margin:6px 0 0}"
	/* The heatmap keeps a legible size and scrolls sideways on a phone instead. */
	".chart.heatmap{min-width:560px}.chart.heatmap .lab{font-size:12px}"
	"table.figs td:first-child{color:var(--mute)}"
	"th[data-sort]{cursor:pointer}th[data-sort]:hover{color:var(--ink)}"
	".pager{display:flex;gap:8px;align-items:center;margin-top:8px;color:var(--mute)}"
	".pager button{font:inherit;padding:2px 10px;border:1px solid var(--line);"
	"background:var(--card);border-radius:4px;cursor:pointer}";

/*
 * Sorting and paging of tables marked data-pageable, for long trade histories. Without
 * scripts every row is in the page and visible; with them, a click on a column head sorts by
 * the cells' data-v (numbers) or text, and the rows show 25 at a time.
 */
static const char table_script[] =
	"(function(){var P=25;"
	"document.querySelectorAll('table[data-pageable]').forEach(function(t){"
	"var b=t.tBodies[0],rows=[].slice.call(b.rows),page=0,pages=Math.max(1,Math.ceil(rows.length/P));"
	"var nav=document.createElement('div');nav.className='pager';"
	"var prev=document.createElement('button'),next=document.createElement('button'),"
	"info=document.createElement('span');prev.textContent='Prev';next.textContent='Next';"
	"nav.appendChild(prev);nav.appendChild(info);nav.appendChild(next);"
	"function show(){rows.forEach(function(r,i){r.style.display="
	"Math.floor(i/P)===page?'':'none'});info.textContent='Page '+(page+1)+' of '+pages+"
	"' ('+rows.length+' trades)'}"
	"prev.onclick=function(){if(page>0){page--;show()}};"
	"next.onclick=function(){if(page<pages-1){page++;show()}};"
	"if(rows.length>P){t.parentNode.parentNode.insertBefore(nav,t.parentNode.nextSibling);show()}"
	"[].forEach.call(t.tHead.rows[0].cells,function(th,c){if(!th.hasAttribute('data-sort'))return;"
	"var asc=false;th.onclick=function(){asc=!asc;rows.sort(function(x,y){"
	"var a=x.cells[c],z=y.cells[c],u=a.getAttribute('data-v'),v=z.getAttribute('data-v');"
	"var d=u!==null&&v!==null?parseFloat(u)-parseFloat(v):a.textContent.localeCompare(z.textContent);"
	"return asc?d:-d});rows.forEach(function(r){b.appendChild(r)});page=0;"
	"if(rows.length>P)show()}})})})();";


void paper__report_esc(GString *s, const char *text)
{
	char *e = g_markup_escape_text(text, -1);
	g_string_append(s, e);
	g_free(e);
}

/* 1234567.891 -> "1,234,567.89" (decimals digits). */
void paper__report_money(GString *s, double v, int decimals)
{
	if (!isfinite(v)) {
		g_string_append(s, "n/a");
		return;
	}
	char buf[64];
	g_snprintf(buf, sizeof buf, "%.*f", decimals, fabs(v));
	char *dot = strchr(buf, '.');
	size_t int_len = dot ? (size_t)(dot - buf) : strlen(buf);
	if (v < 0 && strspn(buf, "0.") != strlen(buf))
		g_string_append_c(s, '-');
	for (size_t i = 0; i < int_len; i++) {
		if (i && (int_len - i) % 3 == 0)
			g_string_append_c(s, ',');
		g_string_append_c(s, buf[i]);
	}
	if (dot)
		g_string_append(s, dot);
}

void paper__report_percent(GString *s, double fraction)
{
	if (!isfinite(fraction)) {
		g_string_append(s, "n/a");
		return;
	}
	/* Small values keep two decimals so a 0.04% drawdown does not read as 0.0%. */
	g_string_append_printf(s, fabs(fraction) < 0.1 ? "%.2f%%" : "%.1f%%", fraction * 100.0);
}

void paper__report_ratio(GString *s, double v)
{
	if (isnan(v))
		g_string_append(s, "n/a");
	else if (isinf(v))
		g_string_append(s, v > 0 ? "&#8734;" : "-&#8734;");
	else
		g_string_append_printf(s, "%.2f", v);
}

void paper__report_head(GString *s, const char *title, uint32_t refresh, paper_ts as_of)
{
	g_string_append(s, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
	if (refresh)
		g_string_append_printf(s, "<meta http-equiv=\"refresh\" content=\"%u\">",
				       refresh);
	g_string_append(s, "<meta name=\"generator\" content=\"libpaper " PAPER_VERSION "\"><title>");
	paper__report_esc(s, title);
	g_string_append_printf(s, "</title><style>%s</style></head><body>\n<header><h1>", paper__report_css);
	paper__report_esc(s, title);
	char when[TS_TEXT_CAP];
	report_time(when, as_of);
	g_string_append_printf(s, " <span class=\"badge\">PAPER</span></h1><span class=\"meta\">"
			       "simulated account &#8212; no real money &#183; data as of %s UTC</span>"
			       "</header>\n<main>\n", when);
}

void paper__report_footer(GString *s)
{
	g_string_append_printf(s, "<footer>libpaper %s &#183; paper trading only &#183; "
			       "fills are simulated (docs/semantics.md)</footer>\n</main>"
			       "<script>%s</script></body></html>\n", PAPER_VERSION, table_script);
}
