/* Internal to replay/: marker kinds the engine interprets. */
#ifndef REPLAY_ENGINE_INT_H
#define REPLAY_ENGINE_INT_H

/* TRC_MARKER aux values with a meaning to the engine. */
enum {
	RPL_MARK_USER = 0,       /* free for users: ignored */
	RPL_MARK_SEM_INIT = 1,   /* id = semaphore, val = its initial count */
	RPL_MARK_PHASE = 2,      /* id = phase number: ignored by the engine */
};

#endif
