/* What the venue parsers share: the result they fill, and wiping a secret. */
#include "feed/feed_parse.h"

#include <string.h>

void paper__feed_parsed_init(feed_parsed *p)
{
	memset(p, 0, sizeof *p);
	p->msgs = g_array_new(FALSE, TRUE, sizeof(paper_feed_msg));
	p->subscribed = g_ptr_array_new_with_free_func(g_free);
}

void paper__feed_parsed_reset(feed_parsed *p)
{
	g_array_set_size(p->msgs, 0);
	g_ptr_array_set_size(p->subscribed, 0);
	p->ctl = 0;
	p->venue_code = 0;
	p->error[0] = '\0';
	p->ignored = 0;
}

void paper__feed_parsed_clear(feed_parsed *p)
{
	if (p->msgs)
		g_array_free(p->msgs, TRUE);
	if (p->subscribed)
		g_ptr_array_free(p->subscribed, TRUE);
	memset(p, 0, sizeof *p);
}

void paper__feed_wipe(char *s)
{
	if (s == NULL)
		return;
	/* volatile: the compiler may not drop a store to memory that is freed next. */
	for (volatile char *p = s; *p; p++)
		*p = 0;
	g_free(s);
}
