/*===- XGrad.h - the C API: compile xgrad IR, run targets on your buffers -===*
 *
 * For embedding xgrad as a backend. Every function that can fail returns 0 on success and
 * nonzero on failure; when `error` is not NULL it then receives a message to release with
 * xgradFreeString. Nothing here aborts on bad input.
 *
 *===----------------------------------------------------------------------===*/
#ifndef XGRAD_C_XGRAD_H
#define XGRAD_C_XGRAD_H

#include "xgrad/Version.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct XGradModel XGradModel;

/* The version of the library linked at run time, e.g. "0.1.0"; XGRAD_VERSION (and
 * XGRAD_VERSION_MAJOR/MINOR/PATCH) are the version of the header compiled against. */
const char *xgradVersion(void);

typedef enum { XGRAD_F32 = 0, XGRAD_F64 = 1 } XGradElementType;

/* A dense row-major tensor in memory the caller owns. For an output, `shape` must have room
 * for the output's rank (xgradOutputRank) and `capacity` says how many elements `data`
 * holds; the call fills in `type`, `rank` and `shape`. */
typedef struct {
  XGradElementType type;
  int64_t rank;
  int64_t *shape;
  void *data;
  int64_t capacity;
} XGradBuffer;

/* Compile options. Initialise with xgradCompileOptionsInit, then set what you need: `size`
 * records which version of this struct the caller was built with, so fields can be added at
 * the end without breaking compiled callers. */
typedef struct {
  size_t size;
  /* Threads of the kernels' parallel loops: 0 (the default) one per core, 1 the calling
     thread alone. */
  int32_t threads;
  /* Lower projection kernels through linalg.generic (1, the default) or plain loops (0). */
  int32_t useLinalg;
  /* LLVM's optimisation level, 0 to 3 (default 2). */
  int32_t optLevel;
  /* The name diagnostics give the source (default "model"); may be NULL. */
  const char *sourceName;
  /* A file of transform IR whose named sequences schedule the kernels they name
     (docs/Scheduling.md); NULL or "" for the default schedule only. */
  const char *schedule;
  /* Read and write the on-disk compile cache (1, the default) or not (0). */
  int32_t cache;
  /* The cache's directory; NULL or "" for $XGRAD_CACHE_DIR, else $XDG_CACHE_HOME/xgrad, else
     ~/.cache/xgrad. */
  const char *cacheDirectory;
  /* Compile each target on its first call (1, the default) or every target up front (0). */
  int32_t lazy;
  /* Fail a run at the first kernel whose result holds a NaN or an infinity (1) or not (0,
     the default). */
  int32_t checkFinite;
  /* Data-parallel training over the ranks of an MPI run (1) or not (0, the default):
     docs/Distributed.md. */
  int32_t distributed;
  /* With distributed: the loss is a mean over a batch's rows (0, the default, every loss of
     the layers library) or a sum (1). */
  int32_t lossIsSum;
  /* Compute with subnormal floats flushed to zero (1, the default; the caller's mode is
     restored after each call) or as IEEE 754 says (0, slower): docs/Rationale.md. */
  int32_t flushDenormals;
  /* Estimated operations a parallel loop needs to run on `threads` (default 32768); smaller
     ones run on the calling thread. 0: every parallel loop on threads. */
  uint64_t parallelMinWork;
} XGradCompileOptions;

void xgradCompileOptionsInit(XGradCompileOptions *options);

/* Compiles xgrad IR (graphs, as text) through the whole pipeline and the JIT. `options` may be
 * NULL for the defaults; an option out of range is an error. */
XGradModel *xgradCompile(const char *source, size_t length, const XGradCompileOptions *options,
                         char **error);
void xgradDestroy(XGradModel *model);
void xgradFreeString(char *string);

/* The output's rank of a target, or -1 if there is no such target. */
int64_t xgradOutputRank(XGradModel *model, const char *target);

/* Runs `target` on named inputs (copied in) and writes its value into `output`. A target that
 * trains updates the model's state. */
int xgradCall(XGradModel *model, const char *target, const char *const *inputNames,
              const XGradBuffer *inputs, size_t numInputs, XGradBuffer *output, char **error);

int64_t xgradGetEpoch(XGradModel *model);
void xgradSetEpoch(XGradModel *model, int64_t epoch);
int xgradSave(XGradModel *model, const char *path, char **error);
int xgradLoad(XGradModel *model, const char *path, char **error);

#ifdef __cplusplus
}
#endif

#endif /* XGRAD_C_XGRAD_H */
