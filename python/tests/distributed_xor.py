"""Trains the README's XOR model with fit, in one process or on every rank of an MPI run
(``distributed`` as the first argument), and saves the state to the second argument: a
helper of test_distributed.py, run through mpirun."""
import sys

import numpy as np

import xgrad
from xgrad import input, optimizers

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 1], [0, 0], [1, 0]], np.float32)
Y = np.array([[0], [1], [1], [0], [0], [0], [1]], np.float32)

distributed = sys.argv[1] == "distributed"
xgrad.randomize(21)
net = (input("x").dense(2, 4).leaky_relu().dense(4, 1).sigmoid().target("predict")
       .mse(input("y")).target("loss").backprop(optimizers.adam(0.01)).target("train"))
model = xgrad.compile(net, distributed=distributed, cache=False)
# Batches of 4: the last of 3 rows goes in shares of 2 and 1.
losses = model.fit("train", {"x": X, "y": Y}, batch_size=4, epochs=50, verbose=2)
model.save(sys.argv[2])
print("rank %d of %d: loss %.6f" % (xgrad.rank(), xgrad.world_size(), losses[-1]))
