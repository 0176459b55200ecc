"""``nn.utils``: where PyTorch users look for gradient clipping (it lives in ``optim.clip``)."""

from groundup.autograd.optim.clip import clip_grad_norm_

__all__ = ["clip_grad_norm_"]
