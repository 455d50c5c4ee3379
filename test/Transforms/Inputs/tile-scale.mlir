// A user schedule: kernel "scale" tiled by 4 along its one loop; nothing else.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @scale(%kernel: !transform.any_op {transform.consumed}) {
    %tiled, %loop = transform.structured.tile_using_for %kernel tile_sizes [4]
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
