/*
 * libpaper - umbrella header. #include <paper/paper.h> and link with -lpaper
 * (pkg-config --cflags --libs libpaper).
 */
#ifndef PAPER_PAPER_H
#define PAPER_PAPER_H

#include "common.h"
#include "error.h"
#include "types.h"
#include "config.h"
#include "broker.h"
#include "instrument.h"
#include "ledger.h"
#include "metrics.h"
#include "report.h"
#include "session.h"
#include "replay.h"
#include "drift.h"
#include "feed.h"

#endif /* PAPER_PAPER_H */
