//===- BufferPool.cpp - the compiled code's large temporaries, reused ----===//
//
// Pooled blocks are poisoned for AddressSanitizer (the macros are empty without it), so
// that a use of a temporary after its free is still reported while the pool holds it.
//
//===----------------------------------------------------------------------===//
#include "BufferPool.h"

#include <cstdint>
#include <cstdlib>
#include <malloc.h>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#endif
#endif
#ifndef ASAN_POISON_MEMORY_REGION
#define ASAN_POISON_MEMORY_REGION(address, size) ((void)(address), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(address, size) ((void)(address), (void)(size))
#endif

namespace {
/// Smaller blocks come from malloc's own free lists, which do not give pages back.
constexpr std::size_t kSmallestPooled = 64 * 1024;
constexpr std::size_t kMaxBlocks = 16;
constexpr std::size_t kMaxBytes = std::size_t(256) << 20;

struct Block {
  void *pointer;
  std::size_t size;
};

/// One thread's freed blocks, oldest first; what it still holds when the thread ends goes
/// back to malloc.
struct ThreadPool {
  std::vector<Block> blocks;
  std::size_t bytes = 0;
  ~ThreadPool() {
    for (Block block : blocks) {
      ASAN_UNPOISON_MEMORY_REGION(block.pointer, block.size);
      std::free(block.pointer);
    }
  }
};

ThreadPool &threadPool() {
  thread_local ThreadPool pool;
  return pool;
}
} // namespace

void *xgrad::bufferpool::alignedAlloc(std::size_t alignment, std::size_t size) {
  if (size >= kSmallestPooled) {
    ThreadPool &pool = threadPool();
    // The smallest block that fits, unless it would waste more than the request itself.
    auto best = pool.blocks.end();
    for (auto block = pool.blocks.begin(); block != pool.blocks.end(); ++block)
      if (block->size >= size && block->size <= 2 * size &&
          reinterpret_cast<std::uintptr_t>(block->pointer) % alignment == 0 &&
          (best == pool.blocks.end() || block->size < best->size))
        best = block;
    if (best != pool.blocks.end()) {
      Block found = *best;
      pool.bytes -= found.size;
      pool.blocks.erase(best);
      ASAN_UNPOISON_MEMORY_REGION(found.pointer, found.size);
      return found.pointer;
    }
  }
  return std::aligned_alloc(alignment, size);
}

void xgrad::bufferpool::release(void *pointer) {
  if (!pointer)
    return;
  std::size_t size = malloc_usable_size(pointer);
  if (size < kSmallestPooled || size > kMaxBytes) {
    std::free(pointer);
    return;
  }
  ThreadPool &pool = threadPool();
  // Full: the oldest blocks go back to malloc, so that the pool follows the sizes in use.
  while (!pool.blocks.empty() &&
         (pool.blocks.size() >= kMaxBlocks || pool.bytes + size > kMaxBytes)) {
    Block oldest = pool.blocks.front();
    pool.blocks.erase(pool.blocks.begin());
    pool.bytes -= oldest.size;
    ASAN_UNPOISON_MEMORY_REGION(oldest.pointer, oldest.size);
    std::free(oldest.pointer);
  }
  ASAN_POISON_MEMORY_REGION(pointer, size);
  pool.blocks.push_back({pointer, size});
  pool.bytes += size;
}
