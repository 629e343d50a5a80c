/* The paper sub-commands; each takes argv[0] = its own name. */
#ifndef PAPER_CLI_COMMANDS_H
#define PAPER_CLI_COMMANDS_H

/* Over historical data. */
int cmd_replay(int argc, char **argv);
int cmd_execute(int argc, char **argv);
int cmd_walk_forward(int argc, char **argv);

/* Operating an account kept in a ledger. */
int cmd_init(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_positions(int argc, char **argv);
int cmd_orders(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_order(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_close(int argc, char **argv);
int cmd_close_all(int argc, char **argv);
int cmd_mark(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* Live market data. */
int cmd_feed(int argc, char **argv);
int cmd_record(int argc, char **argv);

#endif
