"""Other answers to 01_tensors: right ones written differently, and plausible wrong ones."""

BUILD = '''
def blank_images(n_images, height, width, channels):
    return np.zeros({images}, dtype={dtype})


def blank_video(n_clips, n_frames, height, width):
    return np.zeros({video}, dtype=np.uint8)


def stack_series(series):
    return {stack}
'''


def build(images="(n_images, height, width, channels)", dtype="np.uint8",
          video="(n_clips, n_frames, height, width, 3)", stack="np.stack(series)"):
    return BUILD.format(images=images, dtype=dtype, video=video, stack=stack)


RIGHT = [
    ("ex1_build", build(images="[n_images, height, width, channels]", dtype='"uint8"',
                        stack="np.array([np.asarray(one) for one in series])")),
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    n, h, w = images.shape\n"
                    "    return np.reshape(images, (n, h * w))\n"),
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    return np.stack([image.ravel() for image in images])\n"),
    ("ex3_channel", "def add_channel_axis(images):\n    return np.expand_dims(images, axis=-1)\n"),
    ("ex3_channel", "def add_channel_axis(images):\n    return images.reshape(images.shape + (1,))\n"),
    ("ex4_scale", "def scale_pixels(images):\n    return (images / 255.0).astype('float32')\n"),
    ("ex4_scale", "def scale_pixels(images):\n    return np.divide(images, 255, dtype=np.float32)\n"),
    ("ex5_greyscale", "def to_greyscale(images):\n"
                      "    r, g, b = images[..., 0], images[..., 1], images[..., 2]\n"
                      "    return (0.299 * r + 0.587 * g + 0.114 * b).astype(np.float32)\n"),
    ("ex5_greyscale", "def to_greyscale(images):\n"
                      "    return np.dot(images.astype(float), [0.299, 0.587, 0.114])\n"),
    ("ex6_slicing", "def center_crop(images, size):\n"
                    "    h, w = images.shape[1:3]\n"
                    "    if size > min(h, w):\n"
                    "        raise ValueError(f'a {size} x {size} crop does not fit in {h} x {w} images')\n"
                    "    rows = slice((h - size) // 2, (h - size) // 2 + size)\n"
                    "    cols = slice((w - size) // 2, (w - size) // 2 + size)\n"
                    "    return images[:, rows, cols, ...]\n\n\n"
                    "def select_digit(images, labels, digit):\n"
                    "    return np.array([im for im, label in zip(images, labels) if label == digit])\n"),
]

CROP = '''
def center_crop(images, size):
    h, w = images.shape[1], images.shape[2]
    {check}
    top, left = {start}
    return images[:, top:top + size, left:left + size]


def select_digit(images, labels, digit):
    return {select}
'''


def slicing(check="if size > h or size > w: raise ValueError(f'size {size} is larger than the images ({h}, {w})')",
            start="(h - size) // 2, (w - size) // 2", select="images[labels == digit]"):
    return CROP.format(check=check, start=start, select=select)


WRONG = [
    ("ex1_build", build(images="(n_images, channels, height, width)"), ["ex1_blank_images"]),  # channels first
    ("ex1_build", build(dtype="float"), ["ex1_blank_images"]),  # np.zeros' default dtype
    ("ex1_build", build(video="(n_clips, n_frames, height, width)"), ["ex1_blank_video"]),  # no colour axis
    ("ex1_build", build(stack="np.concatenate(series)"), ["ex1_stack_series"]),
    ("ex2_flatten", "def flatten_images(images):\n    return images.reshape(-1, 784)\n",
     ["ex2_flatten_shape", "ex2_flatten_values"]),  # hard-coded MNIST size
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    return images.transpose(0, 2, 1).reshape(len(images), -1)\n",
     ["ex2_flatten_values"]),  # column by column
    ("ex3_channel", "def add_channel_axis(images):\n    return images[:, np.newaxis]\n",
     ["ex3_channel_shape", "ex3_channel_values"]),  # channels first
    ("ex3_channel", "def add_channel_axis(images):\n    return images.reshape(-1, 28, 28, 1)\n",
     ["ex3_channel_shape", "ex3_channel_values"]),  # hard-coded MNIST size
    ("ex4_scale", "def scale_pixels(images):\n    return images / 255\n", ["ex4_scale_dtype"]),  # float64
    ("ex4_scale", "def scale_pixels(images):\n"
                  "    images = images.astype(np.float32)\n"
                  "    return (images - images.min()) / (images.max() - images.min())\n",
     ["ex4_scale_values"]),  # min-max scaling
    ("ex4_scale", "def scale_pixels(images):\n"
                  "    np.divide(images, 255, out=images, casting='unsafe')\n"
                  "    return images.astype(np.float32)\n",
     ["ex4_scale_dtype", "ex4_scale_values"]),  # overwrites the input
    ("ex5_greyscale", "def to_greyscale(images):\n    return images.mean(axis=-1)\n",
     ["ex5_greyscale_pixel", "ex5_greyscale_batch"]),  # plain average
    ("ex5_greyscale", "def to_greyscale(images):\n    return images @ np.array([0.114, 0.587, 0.299])\n",
     ["ex5_greyscale_pixel", "ex5_greyscale_batch"]),  # BGR order
    ("ex6_slicing", slicing(start="0, 0"), ["ex6_crop_values"]),  # top-left corner
    ("ex6_slicing", slicing(start="(h - size) // 2, (h - size) // 2"), ["ex6_crop_values"]),  # assumes square images
    ("ex6_slicing", slicing(check="pass"), ["ex6_crop_shape"]),  # no ValueError
    ("ex6_slicing", slicing(check="if size > h or size > w: raise ValueError()"), ["ex6_crop_shape"]),  # no message
    # a message without the sizes
    ("ex6_slicing", slicing(check="if size > h or size > w: raise ValueError('too big')"), ["ex6_crop_shape"]),
    # the crop size only, not the images' height and width
    ("ex6_slicing", slicing(check="if size > min(h, w): raise ValueError(f'cannot crop {size}x{size}')"), ["ex6_crop_shape"]),
    ("ex6_slicing", slicing(select="images[digit]"), ["ex6_select_digit"]),
]

WRONG += [
    # the spec asks for numpy arrays: a list of the series is not one tensor
    ("ex1_build", build(stack="list(series)"), ["ex1_stack_series"]),
    # to_greyscale rounds back to uint8: the spec asks for floats
    ("ex5_greyscale", "def to_greyscale(images):\n"
                      "    return np.round(images @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)\n",
     ["ex5_greyscale_shape", "ex5_greyscale_pixel", "ex5_greyscale_batch"]),
]
