// A user schedule that cannot apply: kernel "scale" has one loop, not two.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @scale(%kernel: !transform.any_op {transform.consumed}) {
    %tiled, %loops:2 = transform.structured.tile_using_for %kernel tile_sizes [4, 4]
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}
