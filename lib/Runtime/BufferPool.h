//===- BufferPool.h - the compiled code's large temporaries, reused ----*- C++ -*-===//
//
// The compiled code allocates its temporaries with aligned_alloc and frees them before it
// returns. glibc serves large blocks (from 128 KiB) with mmap and gives them back to the
// system on free, so every call faulted its temporaries in again, page by page (about 1000
// page faults per training step of Exprgrad's CNN at batch 32, a fifth of its time). The
// pool keeps freed large blocks per thread (at most 16 and 256 MiB) for the next call's
// allocations of about the same size. Every block is the process allocator's own: a
// block the pool hands out may be freed by anyone with free(), and one freed into the pool
// may have come from anywhere.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_LIB_RUNTIME_BUFFERPOOL_H
#define XGRAD_LIB_RUNTIME_BUFFERPOOL_H

#include <cstddef>

namespace xgrad::bufferpool {

/// aligned_alloc, from the calling thread's pool when it holds a fitting block.
void *alignedAlloc(std::size_t alignment, std::size_t size);
/// free, into the calling thread's pool when the block is large and the pool has room.
void release(void *pointer);

} // namespace xgrad::bufferpool

#endif // XGRAD_LIB_RUNTIME_BUFFERPOOL_H
