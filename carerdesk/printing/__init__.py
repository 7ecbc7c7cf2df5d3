"""PDF print-outs with reportlab: cards, leaflets, letters, labels, posters, stickers."""
