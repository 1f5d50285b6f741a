"""autoencoder_lib: the shared code of 《自动编码器：原理与代码实例》.

Modules, named by their job:

- :mod:`autoencoder_lib.reproducibility`: seeding, quiet TensorFlow start-up;
- :mod:`autoencoder_lib.data`: verified downloads and the book's data sets;
- :mod:`autoencoder_lib.models`: Keras autoencoder builders;
- :mod:`autoencoder_lib.plotting`: CJK font set-up, image grids, training curves;
- :mod:`autoencoder_lib.numpy_ae`: the from-scratch NumPy autoencoder of 第3章 and 第4章;
- :mod:`autoencoder_lib.gradcheck`: finite-difference checks of hand-written gradients;
- :mod:`autoencoder_lib.metrics`: per-image SSE/MSE, PSNR and SSIM;
- :mod:`autoencoder_lib.baselines`: PCA and mean reconstructions, Gaussian and median denoisers;
- :mod:`autoencoder_lib.noise`: clipped Gaussian noise and fresh-noise batches for denoising;
- :mod:`autoencoder_lib.tables`: result tables that render as tables in the book;
- :mod:`autoencoder_lib.regularizers`: sparse (KL) and contractive penalties of a code layer;
- :mod:`autoencoder_lib.compression`: quantiser, symbol model, range coding to real bytes,
  Pillow codecs;
- :mod:`autoencoder_lib.text`: character vocabulary, padding/masking, a GRU sequence autoencoder
  (its Keras layers in :mod:`autoencoder_lib.text_layers`);
- :mod:`autoencoder_lib.features`: encoding in batches, linear probes, precision@k retrieval;
- :mod:`autoencoder_lib.detection`: thresholds chosen on validation scores, detector metric tables;
- :mod:`autoencoder_lib.vae`: the variational autoencoder, its KL term and the IWAE bound;
- :mod:`autoencoder_lib.learned_codec`: a learned image codec (GDN, factorized prior, scale
  hyperprior) that writes real bytes.

Importing the package does not import TensorFlow, so
``reproducibility.quiet_tensorflow()`` can still run before it.
"""

__version__ = "0.1.0"
