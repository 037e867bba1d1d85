"""Questions and concept names typed in Chinese, mapped to the English the papers use."""
